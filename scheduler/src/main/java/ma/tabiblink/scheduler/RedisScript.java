package ma.tabiblink.scheduler;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A Lua script loaded from resource files beside the class that runs it, executed by EVALSHA and reloaded if the
 * server lost its script cache (restart, SCRIPT FLUSH). Several files are concatenated so that scripts can share a
 * library of local functions.
 */
public final class RedisScript {

    private final UnifiedJedis redis;
    private final String source;
    private volatile String sha;

    private RedisScript(UnifiedJedis redis, String source) {
        this.redis = redis;
        this.source = source;
    }

    /** Loads {@code files} (resource names relative to {@code owner}'s package) in order as one script. */
    public static RedisScript load(UnifiedJedis redis, Class<?> owner, String... files) {
        StringBuilder text = new StringBuilder();
        for (String file : files) {
            try (InputStream in = owner.getResourceAsStream(file)) {
                if (in == null) {
                    throw new IllegalStateException("missing Lua resource " + file + " beside " + owner.getName());
                }
                text.append(new String(in.readAllBytes(), StandardCharsets.UTF_8)).append('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new RedisScript(redis, text.toString());
    }

    public Object run(List<String> keys, List<String> args) {
        String current = sha;
        if (current == null) {
            current = sha = redis.scriptLoad(source);
        }
        try {
            return redis.evalsha(current, keys, args);
        } catch (JedisNoScriptException e) {
            sha = redis.scriptLoad(source);
            return redis.evalsha(sha, keys, args);
        }
    }

    /**
     * Runs the script, then waits until {@code acknowledgement.replicas()} replicas hold its effects, and refuses with
     * {@link ErrorCode#NOT_REPLICATED} when they do not in time (the effects stay on the primary: the caller's retry
     * with the same idempotency key finds them). WAIT only covers the writes of its own connection, so the script,
     * the probe and the wait are pipelined on one.
     */
    public Object run(List<String> keys, List<String> args, ReplicaAcknowledgement acknowledgement) {
        if (!acknowledgement.required()) {
            return run(keys, args);
        }
        try {
            return runAndWait(sha(), keys, args, acknowledgement);
        } catch (JedisNoScriptException e) {
            sha = redis.scriptLoad(source);
            return runAndWait(sha, keys, args, acknowledgement);
        }
    }

    private Object runAndWait(String scriptSha, List<String> keys, List<String> args,
                              ReplicaAcknowledgement acknowledgement) {
        Response<Object> result;
        Response<Object> acknowledged;
        try (AbstractPipeline pipeline = redis.pipelined()) {
            result = pipeline.evalsha(scriptSha, keys, args);
            pipeline.publish(SchedulerKeys.replicationProbe(), "");
            acknowledged = pipeline.sendCommand(Protocol.Command.WAIT,
                    Integer.toString(acknowledgement.replicas()), Long.toString(acknowledgement.timeout().toMillis()));
            pipeline.sync();
        }
        Object value = result.get();
        if ((Long) acknowledged.get() < acknowledgement.replicas()) {
            throw new SchedulingException(ErrorCode.NOT_REPLICATED, "The change could not be confirmed on a standby "
                    + "server in time. Retry the same request (with the same Idempotency-Key where it has one).");
        }
        return value;
    }

    /** The SHA1 of the script, loading it if needed (the benchmark compares against raw EVALSHA). */
    public String sha() {
        if (sha == null) {
            sha = redis.scriptLoad(source);
        }
        return sha;
    }
}
