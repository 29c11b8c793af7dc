package ma.tabiblink.web.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import redis.embedded.RedisServer;

/**
 * A real Redis server run from the embedded-redis package for demo mode and development, with AOF persistence in the
 * data folder so demo data survive a restart.
 */
public final class EmbeddedRedis implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedRedis.class);
    private static final Duration STALE_SERVER_STOP_WAIT = Duration.ofSeconds(5);

    /** Servers this process started, by data folder: one folder is never served by two Redis processes. */
    private static final Map<Path, EmbeddedRedis> RUNNING = new ConcurrentHashMap<>();

    private final RedisServer server;
    private final int port;
    private final Path dir;
    private final boolean owner;

    private EmbeddedRedis(RedisServer server, int port, Path dir, boolean owner) {
        this.server = server;
        this.port = port;
        this.dir = dir;
        this.owner = owner;
    }

    /**
     * Starts Redis on 127.0.0.1, on {@code port} or a free one when it is 0, keeping its files in {@code dir}. When
     * this process already runs one on that folder (several application contexts in one JVM), that one is shared.
     */
    public static synchronized EmbeddedRedis start(Path dir, int port) {
        Path key = dir.toAbsolutePath().normalize();
        EmbeddedRedis running = RUNNING.get(key);
        if (running != null) {
            return new EmbeddedRedis(running.server, running.port, key, false);
        }
        EmbeddedRedis started = launch(key, port);
        RUNNING.put(key, started);
        return started;
    }

    private static EmbeddedRedis launch(Path dir, int port) {
        try {
            Files.createDirectories(dir);
            Path pidFile = dir.resolve("redis.pid");
            stopStaleServer(pidFile);
            int chosenPort = port == 0 ? freePort() : port;
            RedisServer server = RedisServer.newRedisServer()
                    .bind("127.0.0.1")
                    .port(chosenPort)
                    .setting("dir " + dir.toAbsolutePath())
                    .setting("pidfile " + pidFile.toAbsolutePath())
                    .setting("appendonly yes")
                    .setting("appendfsync everysec")
                    .setting("save 900 1")
                    .setting("protected-mode yes")
                    .onShutdownForceStop(true)
                    .build();
            server.start();
            log.info("Embedded Redis started on 127.0.0.1:{} with AOF in {}", chosenPort, dir.toAbsolutePath());
            return new EmbeddedRedis(server, chosenPort, dir, true);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded Redis in " + dir, e);
        }
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        if (!owner) {
            return;
        }
        RUNNING.remove(dir, this);
        try {
            server.stop();
        } catch (IOException e) {
            log.warn("Embedded Redis did not stop cleanly: {}", e.getMessage());
        }
    }

    /** A server left behind by a killed JVM would keep writing the same AOF file: stop it before starting ours. */
    private static void stopStaleServer(Path pidFile) throws IOException {
        if (!Files.exists(pidFile)) {
            return;
        }
        String pidText = Files.readString(pidFile).trim();
        Files.deleteIfExists(pidFile);
        if (pidText.isEmpty() || !pidText.chars().allMatch(Character::isDigit)) {
            return;
        }
        ProcessHandle.of(Long.parseLong(pidText))
                .filter(p -> p.info().command().map(c -> c.contains("redis")).orElse(false))
                .ifPresent(stale -> {
                    log.warn("Stopping a Redis server (pid {}) left running on this data folder", stale.pid());
                    stale.destroy();
                    Instant deadline = Instant.now().plus(STALE_SERVER_STOP_WAIT);
                    while (stale.isAlive() && Instant.now().isBefore(deadline)) {
                        Thread.onSpinWait();
                    }
                    if (stale.isAlive()) {
                        stale.destroyForcibly();
                    }
                });
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
