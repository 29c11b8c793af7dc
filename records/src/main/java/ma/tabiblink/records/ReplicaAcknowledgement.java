package ma.tabiblink.records;

import java.time.Duration;
import java.util.List;
import ma.tabiblink.redisscript.RedisScript;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * How many replicas must hold a records write before the module reports it done, and how long to wait for them.
 * Redis replicates asynchronously: without this, a primary that dies right after answering can take a saved note
 * version, a signature, a consent or an audit entry with it when Sentinel promotes a replica.
 *
 * <p>{@link #confirm(UnifiedJedis)} waits for everything the primary accepted until then, from any connection: it
 * publishes a probe and runs {@code WAIT} on one connection (WAIT covers that connection's writes only, and the probe
 * travels the replication stream after every earlier write). The module confirms once per reported operation, after
 * its last write: the audit entry that ends almost every operation ({@code AuditLog#record}) does it.
 *
 * @param replicas how many replicas must acknowledge; 0 for a single Redis (nothing is awaited, nothing is sent)
 * @param timeout  how long to wait before refusing with {@link RecordsError#NOT_REPLICATED}
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
     * Returns once {@link #replicas()} replicas hold every write the primary accepted before the call, or refuses with
     * {@link RecordsError#NOT_REPLICATED} after {@link #timeout()} (the writes stay on the primary). Without
     * {@link #required() replicas}, returns at once without a round trip.
     */
    public void confirm(UnifiedJedis redis) {
        if (!required()) {
            return;
        }
        Response<Object> acknowledged;
        try (AbstractPipeline pipeline = redis.pipelined()) {
            acknowledged = awaitIn(pipeline);
            pipeline.sync();
        }
        check(acknowledged.get());
    }

    /**
     * Runs the script, then waits until {@link #replicas()} replicas hold its effects (and everything written before
     * it), refusing with {@link RecordsError#NOT_REPLICATED} when they do not in time: the effects stay on the primary
     * for the caller's retry to find. Script, probe and WAIT go in one round trip on one connection. Without replicas
     * to wait for, a plain run.
     */
    public Object runConfirmed(RedisScript script, UnifiedJedis redis, List<String> keys, List<String> args) {
        if (!required()) {
            return script.run(redis, keys, args);
        }
        RedisScript.Replies<Object> replies = script.run(redis, keys, args, this::awaitIn);
        check(replies.followUp());
        return replies.script();
    }

    /** Queues the probe and the WAIT after what the pipeline already holds. */
    private Response<Object> awaitIn(AbstractPipeline pipeline) {
        pipeline.publish(RedisKeys.replicationProbe(), "");
        return pipeline.sendCommand(Protocol.Command.WAIT, Integer.toString(replicas),
                Long.toString(timeout.toMillis()));
    }

    /** Refuses unless WAIT counted enough replicas. */
    private void check(Object acknowledged) {
        if ((Long) acknowledged < replicas) {
            throw notReplicated();
        }
    }

    static RecordsException notReplicated() {
        return new RecordsException(RecordsError.NOT_REPLICATED, "The change could not be confirmed on a standby "
                + "server in time. Retry the same request (with the same Idempotency-Key where it has one).");
    }
}
