package ma.tabiblink.web.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.test.context.DynamicPropertyRegistry;

import redis.clients.jedis.Jedis;
import ma.tabiblink.ops.sentinel.RedisProcess;
import ma.tabiblink.ops.sentinel.SentinelTopology;

/**
 * A real primary and its only replica (the machine's {@code redis-server} on loopback, AOF on, diskless sync), for an
 * application asked to wait for one replica's acknowledgement ({@code tabib.redis.min-replicas-acked=1}, 300 ms): the
 * replica can be killed and brought back in sync. Shared by the tests that prove a write no replica holds is never
 * answered as a success. Declare it in a static field and extend the test class with {@link StopAfterTheApplication}.
 */
final class PrimaryWithReplica {

    private static final Duration SETTLE = Duration.ofSeconds(20);

    private final Path dataDir;
    private final RedisProcess primary;
    private final RedisProcess replica;

    private PrimaryWithReplica(Path dataDir, RedisProcess primary, RedisProcess replica) {
        this.dataDir = dataDir;
        this.primary = primary;
        this.replica = replica;
    }

    /** Starts both and waits until the replica is in sync; null when {@code redis-server} is not installed. */
    static PrimaryWithReplica startIfInstalled(String name) {
        if (RedisProcess.installed("redis-server").isEmpty()) {
            return null;
        }
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RedisProcess primary = RedisProcess.prepare("redis-server", dataDir.resolve("redis-primary"));
        primary.start(serverConfig(null));
        RedisProcess replica = RedisProcess.prepare("redis-server", dataDir.resolve("redis-replica"));
        PrimaryWithReplica pair = new PrimaryWithReplica(dataDir, primary, replica);
        try {
            pair.bringBackReplica();
        } catch (RuntimeException | Error e) {
            pair.stop();
            throw e;
        }
        return pair;
    }

    /** The demo application on the primary, asking for one replica's acknowledgement within 300 ms. */
    void applicationProperties(DynamicPropertyRegistry registry) {
        registry.add("tabib.demo", () -> "true");
        registry.add("tabib.data-dir", dataDir::toString);
        registry.add("tabib.signaling.port", () -> "0");
        registry.add("tabib.redis.url", () -> "redis://127.0.0.1:" + primary.port());
        registry.add("tabib.redis.min-replicas-acked", () -> "1");
        registry.add("tabib.redis.replica-ack-timeout", () -> "300ms");
    }

    /** SIGKILL: the primary keeps accepting writes (no {@code min-replicas-to-write}), but nothing acknowledges them. */
    void killReplica() {
        replica.kill();
    }

    /**
     * Starts the replica again and waits until it holds everything and the primary counts it: its link is up, and a
     * {@code WAIT} on the primary is acknowledged by it (right after a resync the primary may not have heard its
     * first acknowledgement yet, and the application's own wait would then time out).
     */
    void bringBackReplica() {
        replica.start(serverConfig(primary));
        Instant deadline = Instant.now().plus(SETTLE);
        try (Jedis jedis = new Jedis(replica.address()); Jedis onPrimary = new Jedis(primary.address())) {
            while (!jedis.info("replication").contains("master_link_status:up")
                    || onPrimary.waitReplicas(1, 500) < 1) {
                assertThat(Instant.now()).as("the replica syncs within " + SETTLE).isBefore(deadline);
                RedisProcess.pause(Duration.ofMillis(100));
            }
        }
    }

    /** A connection to the replica, to check what it holds. */
    Jedis replica() {
        return new Jedis(replica.address());
    }

    /** A connection to the primary, to check what stands there. */
    Jedis primary() {
        return new Jedis(primary.address());
    }

    /** Kills both and deletes their folder (the application's data folder too: stop after the application). */
    void stop() {
        replica.kill();
        primary.kill();
        SentinelTopology.deleteRecursively(dataDir);
    }

    private static List<String> serverConfig(RedisProcess primary) {
        List<String> lines = new ArrayList<>(List.of("appendonly yes", "save \"\"",
                "repl-diskless-sync yes", "repl-diskless-sync-delay 0"));
        if (primary != null) {
            lines.add("replicaof 127.0.0.1 " + primary.port());
        }
        return lines;
    }

    /**
     * Stops every {@link PrimaryWithReplica} held in a static field of the test class. Declared before the Spring
     * extension, it runs after the application has been closed.
     */
    static final class StopAfterTheApplication implements AfterAllCallback {
        @Override
        public void afterAll(ExtensionContext context) throws IllegalAccessException {
            for (Field field : context.getRequiredTestClass().getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) && field.getType() == PrimaryWithReplica.class) {
                    field.setAccessible(true);
                    PrimaryWithReplica redis = (PrimaryWithReplica) field.get(null);
                    if (redis != null) {
                        redis.stop();
                    }
                }
            }
        }
    }
}
