package ma.tabiblink.scheduler;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
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

    /** The SHA1 of the script, loading it if needed (the benchmark compares against raw EVALSHA). */
    public String sha() {
        if (sha == null) {
            sha = redis.scriptLoad(source);
        }
        return sha;
    }
}
