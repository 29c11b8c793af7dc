package ma.tabiblink.scheduler;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import ma.tabiblink.scheduler.booking.BookingService;
import ma.tabiblink.scheduler.reminder.ReminderDispatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisConnectionException;

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
    private volatile boolean redisLost;

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
        boolean reachedRedis = true;
        try {
            bookings.expireHolds();
        } catch (RuntimeException e) {
            reachedRedis = failed("Hold expiry", e);
        }
        try {
            while (reminders.pollOnce().handled() > 0 && !Thread.currentThread().isInterrupted()) {
                // keep draining while there is a backlog
            }
        } catch (RuntimeException e) {
            reachedRedis &= failed("Reminder", e);
        }
        if (reachedRedis && redisLost) {
            redisLost = false;
            LOG.info("scheduler reaches Redis again; lapsed holds and due reminders are caught up");
        }
    }

    /** Logs a failed round; an unreachable Redis once, not every round. Returns whether Redis was reached. */
    private boolean failed(String round, RuntimeException e) {
        if (!(e instanceof JedisConnectionException)) {
            LOG.warn("{} round failed", round, e);
            return true;
        }
        if (!redisLost) {
            redisLost = true;
            LOG.warn("scheduler cannot reach Redis ({}); retrying every {} ms", e.getMessage(), interval.toMillis());
        }
        return false;
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
