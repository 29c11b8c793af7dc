package ma.tabiblink.scheduler;

import java.time.Duration;
import java.util.List;
import ma.tabiblink.redisscript.RedisScript;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

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

    /**
     * Runs the script, then waits until {@link #replicas()} replicas hold its effects, and refuses with
     * {@link ErrorCode#NOT_REPLICATED} when they do not in time (the effects stay on the primary: the caller's retry
     * with the same idempotency key finds them). WAIT only covers the writes of its own connection, so the script,
     * the probe and the wait are pipelined on one. Without replicas to wait for, a plain run.
     */
    public Object runConfirmed(RedisScript script, UnifiedJedis redis, List<String> keys, List<String> args) {
        if (!required()) {
            return script.run(redis, keys, args);
        }
        RedisScript.Replies<Object> replies = script.run(redis, keys, args, this::awaitIn);
        if ((Long) replies.followUp() < replicas) {
            throw new SchedulingException(ErrorCode.NOT_REPLICATED, "The change could not be confirmed on a standby "
                    + "server in time. Retry the same request (with the same Idempotency-Key where it has one).");
        }
        return replies.script();
    }

    private Response<Object> awaitIn(AbstractPipeline pipeline) {
        pipeline.publish(SchedulerKeys.replicationProbe(), "");
        return pipeline.sendCommand(Protocol.Command.WAIT, Integer.toString(replicas),
                Long.toString(timeout.toMillis()));
    }
}
