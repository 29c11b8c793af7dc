package ma.tabiblink.scheduler;

import java.time.Duration;

/**
 * How many replicas must hold a write before the scheduler reports it done, and how long to wait for them. Redis
 * replicates asynchronously: without this, a primary that dies right after answering can take an acknowledged
 * booking with it when Sentinel promotes a replica.
 *
 * @param replicas how many replicas must acknowledge; 0 for a single Redis (nothing is awaited)
 * @param timeout  how long to wait before refusing with {@link ErrorCode#NOT_REPLICATED}
 */
public record ReplicaAcknowledgement(int replicas, Duration timeout) {

    public static final ReplicaAcknowledgement NONE = new ReplicaAcknowledgement(0, Duration.ofSeconds(1));

    public ReplicaAcknowledgement {
        if (replicas < 0) {
            throw new IllegalArgumentException("replicas must be 0 or more, got " + replicas);
        }
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("the replica acknowledgement timeout must be positive");
        }
    }

    public boolean required() {
        return replicas > 0;
    }
}
