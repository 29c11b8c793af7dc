package ma.tabiblink.scheduler;

import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import redis.clients.jedis.JedisPooled;
import redis.embedded.RedisServer;

/** One real Redis (embedded-redis) per test class on a free port, emptied before each test. */
public abstract class RedisTestSupport {

    protected static RedisServer server;
    protected static int port;
    protected static JedisPooled redis;

    @BeforeAll
    static void startRedis() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        server = RedisServer.newRedisServer()
                .port(port)
                .bind("127.0.0.1")
                .setting("save \"\"")
                .setting("appendonly no")
                .build();
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
    void flush() {
        redis.flushAll();
    }
}
