package ma.tabiblink.scheduler.reminder;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import ma.tabiblink.redisscript.RedisScript;
import ma.tabiblink.scheduler.SchedulerKeys;
import ma.tabiblink.scheduler.SchedulerSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * Takes due reminders from the Redis due-queue and hands them to a channel. Any number of dispatchers on any nodes
 * can poll the same queue: a claim atomically moves a reminder to the processing set under a lease, so only one
 * dispatcher gets it; an acknowledgement records it as done so it never goes out again. If a dispatcher dies
 * mid-delivery its lease runs out and the reminder returns to the queue.
 *
 * <p>After downtime, reminders are never sent as if on time: one whose appointment has already started is dropped
 * (and logged), one made redundant by a later reminder also due is dropped, and one sent more than the tolerance after
 * its due time carries {@code late=true}.
 */
public final class ReminderDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(ReminderDispatcher.class);
    private static final int BATCH = 50;
    private static final long DONE_RETENTION_SECONDS = Duration.ofDays(30).toSeconds();

    /** What one poll did. */
    public record PollResult(int delivered, int late, int skipped, int failed) {
        public int handled() {
            return delivered + skipped + failed;
        }
    }

    private final UnifiedJedis redis;
    private final Clock clock;
    private final SchedulerSettings settings;
    private final ReminderChannel channel;
    private final RedisScript claim = RedisScript.load(ReminderDispatcher.class, "claim.lua");
    private final RedisScript ack = RedisScript.load(ReminderDispatcher.class, "ack.lua");

    public ReminderDispatcher(UnifiedJedis redis, Clock clock, SchedulerSettings settings, ReminderChannel channel) {
        this.redis = redis;
        this.clock = clock;
        this.settings = settings;
        this.channel = channel;
    }

    /** Claims and handles one batch of due reminders. */
    @SuppressWarnings("unchecked")
    public PollResult pollOnce() {
        Instant now = clock.instant();
        List<String> claimed = (List<String>) claim.run(redis,
                List.of(SchedulerKeys.remindersDue(), SchedulerKeys.remindersProcessing()),
                List.of(SchedulerKeys.PREFIX, Long.toString(now.toEpochMilli()),
                        Long.toString(settings.reminderLease().toMillis()), Integer.toString(BATCH)));
        int delivered = 0;
        int late = 0;
        int skipped = 0;
        int failed = 0;
        for (String member : claimed) {
            String outcome = handle(member, now);
            switch (outcome) {
                case "delivered" -> delivered++;
                case "late" -> {
                    delivered++;
                    late++;
                }
                case "failed" -> failed++;
                default -> skipped++;
            }
            acknowledge(member, outcome, now);
        }
        return new PollResult(delivered, late, skipped, failed);
    }

    private String handle(String member, Instant now) {
        String[] parts = member.split("\\|");
        String appointmentId = parts[0];
        Duration offset = Duration.ofMinutes(Long.parseLong(parts[1]));
        Instant start = Instant.ofEpochMilli(Long.parseLong(parts[2]));
        Instant due = start.minus(offset);
        List<String> appt = redis.hmget(SchedulerKeys.appointment(appointmentId), "end", "zone", "specialistId",
                "specialty", "dispensaryId", "patientRef", "reminders");
        if (!now.isBefore(start)) {
            LOG.warn("Reminder {} dropped: its appointment {} started at {}, before the reminder could go out",
                    member, appointmentId, start);
            return "skipped-started";
        }
        if (supersededBy(appt.get(6), member, now)) {
            LOG.warn("Reminder {} dropped: overdue and a later reminder of appointment {} is due too", member,
                    appointmentId);
            return "skipped-superseded";
        }
        Duration lateBy = Duration.between(due, now);
        boolean isLate = lateBy.compareTo(settings.reminderLateTolerance()) > 0;
        Reminder reminder = new Reminder(member, appointmentId, offset, due, start,
                Instant.ofEpochMilli(Long.parseLong(appt.get(0))), ZoneId.of(appt.get(1)), appt.get(2), appt.get(3),
                appt.get(4), appt.get(5), isLate, lateBy.isNegative() ? Duration.ZERO : lateBy);
        try {
            channel.deliver(reminder);
        } catch (RuntimeException e) {
            LOG.warn("Reminder {} of appointment {} could not be delivered: {}", member, appointmentId, e.getMessage());
            return "failed";
        }
        if (isLate) {
            LOG.warn("Reminder {} of appointment {} delivered {}s late", member, appointmentId, lateBy.toSeconds());
            return "late";
        }
        return "delivered";
    }

    /** Another reminder of the same booking, closer to the start, is also due now: this one adds nothing. */
    private static boolean supersededBy(String siblings, String member, Instant now) {
        if (siblings == null || siblings.isEmpty()) {
            return false;
        }
        long offset = Long.parseLong(member.split("\\|")[1]);
        for (String sibling : siblings.split(",")) {
            String[] parts = sibling.split("\\|");
            long siblingOffset = Long.parseLong(parts[1]);
            long siblingDue = Long.parseLong(parts[2]) - Duration.ofMinutes(siblingOffset).toMillis();
            if (siblingOffset < offset && siblingDue <= now.toEpochMilli()) {
                return true;
            }
        }
        return false;
    }

    private void acknowledge(String member, String outcome, Instant now) {
        Object acked = ack.run(redis,
                List.of(SchedulerKeys.remindersProcessing(), SchedulerKeys.reminderDone(member),
                        SchedulerKeys.remindersFailed()),
                List.of(member, outcome, Long.toString(DONE_RETENTION_SECONDS), Long.toString(now.toEpochMilli())));
        if (Long.valueOf(0).equals(acked)) {
            LOG.debug("Reminder {} was withdrawn while being handled", member);
        }
    }
}
