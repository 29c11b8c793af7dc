package ma.tabiblink.scheduler;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The scheduler's tunables.
 *
 * @param holdDuration          how long a hold (busy-tentative) lasts before it expires
 * @param reminderOffsets       how long before the start each reminder is due (e.g. 24 h and 1 h)
 * @param waitlistMode          whether a freed slot is booked for the first waitlisted request or only offered (held)
 * @param waitlistOfferDuration how long an offered slot stays held for the coordinator to confirm
 * @param idempotencyRetention  how long an idempotency key keeps answering with its appointment
 * @param reminderLease         how long a worker owns a claimed reminder before another worker may take it over
 * @param reminderLateTolerance a reminder delivered later than this after its due time is flagged late
 * @param workerInterval        how often the background worker polls for due reminders and expired holds
 * @param replicaAcknowledgement how many Redis replicas must hold a booking change before it is reported done
 */
public record SchedulerSettings(Duration holdDuration, List<Duration> reminderOffsets, WaitlistMode waitlistMode,
                                Duration waitlistOfferDuration, Duration idempotencyRetention, Duration reminderLease,
                                Duration reminderLateTolerance, Duration workerInterval,
                                ReplicaAcknowledgement replicaAcknowledgement) {

    /** What happens to the first matching waitlisted request when a slot frees up. */
    public enum WaitlistMode { BOOK, OFFER }

    public static final SchedulerSettings DEFAULTS = new SchedulerSettings(Duration.ofMinutes(5),
            List.of(Duration.ofHours(24), Duration.ofHours(1)), WaitlistMode.BOOK, Duration.ofHours(2),
            Duration.ofDays(7), Duration.ofMinutes(2), Duration.ofMinutes(5), Duration.ofSeconds(1),
            ReplicaAcknowledgement.NONE);

    public SchedulerSettings {
        requirePositive(holdDuration, "holdDuration");
        requirePositive(waitlistOfferDuration, "waitlistOfferDuration");
        requirePositive(idempotencyRetention, "idempotencyRetention");
        requirePositive(reminderLease, "reminderLease");
        requirePositive(reminderLateTolerance, "reminderLateTolerance");
        requirePositive(workerInterval, "workerInterval");
        Objects.requireNonNull(waitlistMode, "waitlistMode");
        Objects.requireNonNull(replicaAcknowledgement, "replicaAcknowledgement");
        reminderOffsets = List.copyOf(reminderOffsets);
        for (Duration offset : reminderOffsets) {
            if (offset.isNegative() || offset.toMinutes() < 1 || offset.toMinutes() * 60 != offset.toSeconds()) {
                throw new IllegalArgumentException("reminder offsets are whole minutes, at least one: " + offset);
            }
        }
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }

    public SchedulerSettings withWaitlistMode(WaitlistMode mode) {
        return new SchedulerSettings(holdDuration, reminderOffsets, mode, waitlistOfferDuration, idempotencyRetention,
                reminderLease, reminderLateTolerance, workerInterval, replicaAcknowledgement);
    }

    /** The offsets in minutes, comma-separated, as the Lua scripts take them. */
    public String reminderOffsetsCsv() {
        return String.join(",", reminderOffsets.stream().map(d -> Long.toString(d.toMinutes())).toList());
    }
}
