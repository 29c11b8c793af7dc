package ma.tabiblink.records;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/** A Lua script read from a resource file beside the class that runs it, executed by SHA with a reload on NOSCRIPT. */
public final class LuaScript {

    private final String source;
    private volatile String sha;

    private LuaScript(String source) {
        this.source = source;
    }

    /** Loads {@code name} from the package of {@code owner} (for example {@code register.lua} beside PatientRegistry). */
    public static LuaScript load(Class<?> owner, String name) {
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("Lua script missing from the classpath: " + name);
            }
            return new LuaScript(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Object run(UnifiedJedis redis, List<String> keys, List<String> args) {
        String current = sha;
        if (current == null) {
            current = redis.scriptLoad(source);
            sha = current;
        }
        try {
            return redis.evalsha(current, keys, args);
        } catch (JedisNoScriptException e) {
            sha = redis.scriptLoad(source);
            return redis.evalsha(sha, keys, args);
        }
    }

    /**
     * Runs the script, then waits until {@code acknowledgement.replicas()} replicas hold its effects (and everything
     * written before it), refusing with {@link RecordsError#NOT_REPLICATED} when they do not in time: the effects stay
     * on the primary for the caller's retry to find. Script, probe and WAIT go in one round trip on one connection.
     * Without replicas to wait for, the same as {@link #run(UnifiedJedis, List, List)}.
     */
    public Object run(UnifiedJedis redis, List<String> keys, List<String> args,
                      ReplicaAcknowledgement acknowledgement) {
        if (!acknowledgement.required()) {
            return run(redis, keys, args);
        }
        String current = sha;
        if (current == null) {
            current = redis.scriptLoad(source);
            sha = current;
        }
        try {
            return runAndConfirm(redis, current, keys, args, acknowledgement);
        } catch (JedisNoScriptException e) {
            sha = redis.scriptLoad(source);
            return runAndConfirm(redis, sha, keys, args, acknowledgement);
        }
    }

    private static Object runAndConfirm(UnifiedJedis redis, String scriptSha, List<String> keys, List<String> args,
                                        ReplicaAcknowledgement acknowledgement) {
        Response<Object> result;
        Response<Object> acknowledged;
        try (AbstractPipeline pipeline = redis.pipelined()) {
            result = pipeline.evalsha(scriptSha, keys, args);
            acknowledged = acknowledgement.awaitIn(pipeline);
            pipeline.sync();
        }
        Object value = result.get();
        acknowledgement.check(acknowledged);
        return value;
    }
}
