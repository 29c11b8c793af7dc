package ma.tabiblink.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import redis.clients.jedis.JedisPooled;
import redis.embedded.RedisServer;

/** Scripts keep running when the server lost its script cache: a restart, SCRIPT FLUSH, or a freshly promoted replica. */
class LuaScriptTest {

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

    @Test
    void aScriptRunsAgainAfterTheServerForgetsItsScripts() {
        LuaScript count = LuaScript.load(LuaScriptTest.class, "count.lua");
        assertThat(count.run(redis, List.of("counter"), List.of())).isEqualTo(1L);

        redis.scriptFlush();

        assertThat(count.run(redis, List.of("counter"), List.of())).isEqualTo(2L);
    }
}
