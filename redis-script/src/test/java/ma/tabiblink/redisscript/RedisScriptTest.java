package ma.tabiblink.redisscript;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.embedded.RedisServer;

/**
 * Scripts run by SHA, keep running when the server lost its script cache (a restart, SCRIPT FLUSH, a replica just
 * promoted by a failover), and fail clearly: a missing file at load, a script's error reply as Redis worded it.
 */
class RedisScriptTest {

    private static RedisServer server;
    private static JedisPooled redis;

    @BeforeAll
    static void startRedis() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        server = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                .setting("save \"\"").setting("appendonly no").build();
        server.start();
        redis = new JedisPooled("127.0.0.1", port);
    }

    @AfterAll
    static void stopRedis() throws IOException {
        if (redis != null) {
            redis.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    @BeforeEach
    void emptyServer() {
        redis.flushAll();
        redis.scriptFlush();
    }

    @Test
    void aScriptRunsOnTheServerAndReturnsItsReply() {
        RedisScript count = RedisScript.load(RedisScriptTest.class, "count.lua");

        assertThat(count.run(redis, List.of("counter"), List.of())).isEqualTo(1L);
        assertThat(count.run(redis, List.of("counter"), List.of())).isEqualTo(2L);
        assertThat(redis.get("counter")).isEqualTo("2");
    }

    @Test
    void aScriptRunsAgainAfterTheServerForgetsItsScriptsAndIsBackInItsCache() {
        RedisScript count = RedisScript.load(RedisScriptTest.class, "count.lua");
        assertThat(count.run(redis, List.of("counter"), List.of())).isEqualTo(1L);

        redis.scriptFlush();

        assertThat(count.run(redis, List.of("counter"), List.of())).isEqualTo(2L);
        assertThat(redis.scriptExists(List.of(sha1Of("count.lua")))).as("reloaded into the cache")
                .containsExactly(true);
    }

    @Test
    void aFollowUpGoesWithTheScriptAndBothRunAgainAfterTheServerForgetsItsScripts() {
        RedisScript count = RedisScript.load(RedisScriptTest.class, "count.lua");

        RedisScript.Replies<String> first = count.run(redis, List.of("counter"), List.of(),
                pipeline -> pipeline.get("counter"));
        redis.scriptFlush();
        RedisScript.Replies<String> afterFlush = count.run(redis, List.of("counter"), List.of(),
                pipeline -> pipeline.get("counter"));

        assertThat(first).isEqualTo(new RedisScript.Replies<>(1L, "1"));
        assertThat(afterFlush).isEqualTo(new RedisScript.Replies<>(2L, "2"));
    }

    @Test
    void filesAreJoinedInOrderSoThatAScriptCallsTheLocalFunctionsOfTheFileBeforeIt() {
        RedisScript greet = RedisScript.load(RedisScriptTest.class, "greeting.lua", "greet.lua");

        assertThat(greet.run(redis, List.of(), List.of("Khadija"))).isEqualTo("hello Khadija");
        assertThat(greet).hasToString("ma/tabiblink/redisscript/greeting.lua + greet.lua");
    }

    @Test
    void aMissingFileIsRefusedAtLoadNamingTheFileAndWhereItWasLookedFor() {
        assertThatThrownBy(() -> RedisScript.load(RedisScriptTest.class, "count.lua", "absent.lua"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("absent.lua")
                .hasMessageContaining(RedisScriptTest.class.getName());
    }

    @Test
    void anErrorReplyOfTheScriptSurfacesAsAJedisDataExceptionWordedAsTheScriptWordedIt() {
        RedisScript refuse = RedisScript.load(RedisScriptTest.class, "refuse.lua");

        assertThatThrownBy(() -> refuse.run(redis, List.of(), List.of("09:30")))
                .isExactlyInstanceOf(JedisDataException.class)
                .hasMessageStartingWith("SLOT_TAKEN the slot 09:30 is taken");
    }

    @Test
    void anErrorReplyOfTheScriptIsThrownBeforeItsFollowUpIsLookedAt() {
        RedisScript refuse = RedisScript.load(RedisScriptTest.class, "refuse.lua");
        redis.scriptFlush();

        assertThatThrownBy(() -> refuse.run(redis, List.of(), List.of("09:30"), pipeline -> pipeline.get("counter")))
                .isExactlyInstanceOf(JedisDataException.class)
                .isNotInstanceOf(JedisNoScriptException.class)
                .hasMessageStartingWith("SLOT_TAKEN");
    }

    private static String sha1Of(String file) {
        try (InputStream in = RedisScriptTest.class.getResourceAsStream(file)) {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(in.readAllBytes()));
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
