package ma.tabiblink.signaling.cluster;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** One Lua script of this package: the shared prelude {@code common.lua} followed by the named file. */
final class LuaScript {

    private final String source;
    private final String sha;

    LuaScript(String fileName) {
        source = read("common.lua") + "\n" + read(fileName);
        try {
            sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is unavailable in this JVM", e);
        }
    }

    private static String read(String fileName) {
        try (InputStream in = LuaScript.class.getResourceAsStream(fileName)) {
            if (in == null) {
                throw new IllegalStateException("missing Lua script " + fileName);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Object run(UnifiedJedis redis, List<String> args) {
        try {
            return redis.evalsha(sha, List.of(), args);
        } catch (JedisNoScriptException e) {
            return redis.eval(source, List.of(), args);
        }
    }
}
