package ma.tabiblink.redisscript;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A Lua script read from resource files beside the class that runs it, run by EVALSHA. A server without the script
 * in its cache (restarted, SCRIPT FLUSH, a replica just promoted by a failover) answers NOSCRIPT: the run is then
 * sent once more with EVAL and the whole source, which cannot meet NOSCRIPT and puts the script back in that
 * server's cache for the next EVALSHA.
 *
 * <p>Errors pass through as Jedis raised them: callers tell a passing state of the server (READONLY, BUSY, LOADING)
 * from a real failure by the exception's type and the error code that starts its message.
 */
public final class RedisScript {

    private final String name;
    private final String source;
    private final String sha;

    private RedisScript(String name, String source) {
        this.name = name;
        this.source = source;
        this.sha = sha1(source);
    }

    /**
     * Reads {@code files} (names relative to {@code owner}'s package) and joins them in order into one script, so
     * that scripts can share a file of local functions placed first.
     *
     * @throws IllegalStateException when one of the files is not on the classpath
     */
    public static RedisScript load(Class<?> owner, String... files) {
        if (files.length == 0) {
            throw new IllegalArgumentException("a script needs at least one file");
        }
        List<String> parts = new ArrayList<>(files.length);
        for (String file : files) {
            parts.add(read(owner, file));
        }
        String folder = owner.getPackageName().replace('.', '/');
        return new RedisScript(folder + "/" + String.join(" + ", files), String.join("\n", parts));
    }

    private static String read(Class<?> owner, String file) {
        try (InputStream in = owner.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("Lua script " + file + " is missing from the classpath beside "
                        + owner.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Lua script " + file + " beside " + owner.getName(), e);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is unavailable in this JVM", e);
        }
    }

    /** Runs the script and returns its reply as Jedis decodes it (Long, String, List, or null). */
    public Object run(UnifiedJedis redis, List<String> keys, List<String> args) {
        try {
            return redis.evalsha(sha, keys, args);
        } catch (JedisNoScriptException e) {
            return redis.eval(source, keys, args);
        }
    }

    /**
     * Runs the script, then what {@code followUp} queues behind it, in one round trip on one connection (what a
     * {@code WAIT} needs: it only counts the writes of its own connection). An error of the script is thrown before
     * the follow-up's reply is read; after NOSCRIPT, both are sent again.
     */
    public <T> Replies<T> run(UnifiedJedis redis, List<String> keys, List<String> args,
                              Function<AbstractPipeline, Response<T>> followUp) {
        try {
            return pipelined(redis, followUp, pipeline -> pipeline.evalsha(sha, keys, args));
        } catch (JedisNoScriptException e) {
            return pipelined(redis, followUp, pipeline -> pipeline.eval(source, keys, args));
        }
    }

    private static <T> Replies<T> pipelined(UnifiedJedis redis, Function<AbstractPipeline, Response<T>> followUp,
                                            Function<AbstractPipeline, Response<Object>> script) {
        Response<Object> scriptReply;
        Response<T> followUpReply;
        try (AbstractPipeline pipeline = redis.pipelined()) {
            scriptReply = script.apply(pipeline);
            followUpReply = followUp.apply(pipeline);
            pipeline.sync();
        }
        Object value = scriptReply.get();
        return new Replies<>(value, followUpReply.get());
    }

    /** The replies of a script run with a follow-up: the script's, then the follow-up's. */
    public record Replies<T>(Object script, T followUp) {
    }

    /** The script's files, for log lines and failure messages. */
    @Override
    public String toString() {
        return name;
    }
}
