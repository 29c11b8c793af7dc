package ma.tabiblink.scheduler;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import ma.tabiblink.scheduler.availability.Slot;
import ma.tabiblink.scheduler.availability.SlotQuery;
import ma.tabiblink.scheduler.booking.BookingEvent;
import ma.tabiblink.scheduler.booking.BookingRequest;
import org.junit.jupiter.api.BeforeEach;

/**
 * A scheduler over the test class's Redis, a hand-moved clock (Wednesday 2026-04-01 10:00 in Casablanca, UTC+1) and
 * three specialists on weekday clinics: dr.cardio and dr.heart (cardiology), dr.pedia (paediatrics).
 */
public abstract class SchedulerTestSupport extends RedisTestSupport {

    /** Monday 2026-04-06, a clinic day after the Ramadan switch back to UTC+1. */
    protected static final LocalDate CLINIC_DAY = LocalDate.of(2026, 4, 6);

    protected MutableClock clock;
    protected Scheduler scheduler;
    protected final List<BookingEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void setUpScheduler() {
        clock = new MutableClock(Instant.parse("2026-04-01T09:00:00Z"));
        scheduler = new Scheduler(redis, clock, settings());
        scheduler.availability().save(Fixtures.weekdays("dr.cardio", "cardiology", Fixtures.CASABLANCA));
        scheduler.availability().save(Fixtures.weekdays("dr.heart", "cardiology", Fixtures.CASABLANCA));
        scheduler.availability().save(Fixtures.weekdays("dr.pedia", "paediatrics", Fixtures.CASABLANCA));
        events.clear();
        scheduler.bookings().addListener(events::add);
    }

    protected SchedulerSettings settings() {
        return SchedulerSettings.DEFAULTS;
    }

    protected List<Slot> freeSlots(String specialistId, LocalDate day) {
        return scheduler.slots().search(new SlotQuery(null, specialistId, day, day, 0));
    }

    protected Slot firstFreeSlot(String specialistId) {
        return freeSlots(specialistId, CLINIC_DAY).get(0);
    }

    protected static BookingRequest request(Slot slot, String patientRef) {
        return new BookingRequest(slot.specialistId(), slot.specialty(), slot.start(), patientRef, "disp-tinghir");
    }

    protected static BookingRequest request(String specialistId, String specialty, Instant start, String patientRef) {
        return new BookingRequest(specialistId, specialty, start, patientRef, "disp-tinghir");
    }

    protected static String key() {
        return UUID.randomUUID().toString();
    }

    protected List<BookingEvent.Type> eventTypes() {
        List<BookingEvent.Type> types = new ArrayList<>();
        events.forEach(e -> types.add(e.type()));
        return types;
    }
}
