package ma.tabiblink.scheduler;

import java.time.Clock;
import ma.tabiblink.scheduler.availability.AvailabilityStore;
import ma.tabiblink.scheduler.availability.SlotFinder;
import ma.tabiblink.scheduler.booking.BookingService;
import ma.tabiblink.scheduler.calendar.CalendarFeed;
import ma.tabiblink.scheduler.reminder.ReminderChannel;
import ma.tabiblink.scheduler.reminder.ReminderDispatcher;
import redis.clients.jedis.UnifiedJedis;

/** Assembles the scheduler's parts over one Redis connection and one clock. */
public final class Scheduler {

    private final UnifiedJedis redis;
    private final Clock clock;
    private final SchedulerSettings settings;
    private final AvailabilityStore availability;
    private final SlotFinder slots;
    private final BookingService bookings;
    private final CalendarFeed calendar;

    public Scheduler(UnifiedJedis redis, Clock clock, SchedulerSettings settings) {
        this.redis = redis;
        this.clock = clock;
        this.settings = settings;
        this.availability = new AvailabilityStore(redis);
        this.slots = new SlotFinder(redis, availability, clock);
        this.bookings = new BookingService(redis, availability, slots, clock, settings);
        this.calendar = new CalendarFeed(availability, bookings, clock);
    }

    public AvailabilityStore availability() {
        return availability;
    }

    public SlotFinder slots() {
        return slots;
    }

    public BookingService bookings() {
        return bookings;
    }

    public CalendarFeed calendar() {
        return calendar;
    }

    public SchedulerSettings settings() {
        return settings;
    }

    /** A dispatcher delivering this scheduler's reminders through {@code channel}. */
    public ReminderDispatcher reminderDispatcher(ReminderChannel channel) {
        return new ReminderDispatcher(redis, clock, settings, channel);
    }

    /** A background worker (not started) for hold expiry and reminders through {@code channel}. */
    public SchedulerWorker worker(ReminderChannel channel) {
        return new SchedulerWorker(bookings, reminderDispatcher(channel), settings.workerInterval());
    }
}
