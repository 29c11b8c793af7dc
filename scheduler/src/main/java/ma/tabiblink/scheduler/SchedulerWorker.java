package ma.tabiblink.scheduler;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import ma.tabiblink.scheduler.booking.BookingService;
import ma.tabiblink.scheduler.reminder.ReminderDispatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's background work on one node: expiring lapsed holds and dispatching due reminders. Several nodes
 * may run one each; the Redis scripts make that safe.
 */
public final class SchedulerWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SchedulerWorker.class);

    private final BookingService bookings;
    private final ReminderDispatcher reminders;
    private final Duration interval;
    private ScheduledExecutorService executor;

    public SchedulerWorker(BookingService bookings, ReminderDispatcher reminders, Duration interval) {
        this.bookings = bookings;
        this.reminders = reminders;
        this.interval = interval;
    }

    public synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "scheduler-worker");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::tick, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One round of background work; also callable directly. */
    public void tick() {
        try {
            bookings.expireHolds();
        } catch (RuntimeException e) {
            LOG.warn("Hold expiry round failed", e);
        }
        try {
            while (reminders.pollOnce().handled() > 0 && !Thread.currentThread().isInterrupted()) {
                // keep draining while there is a backlog
            }
        } catch (RuntimeException e) {
            LOG.warn("Reminder round failed", e);
        }
    }

    /** Stops polling; a delivery in progress is given a few seconds to finish. */
    public synchronized void stop() {
        if (executor == null) {
            return;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        executor = null;
    }

    @Override
    public void close() {
        stop();
    }
}
