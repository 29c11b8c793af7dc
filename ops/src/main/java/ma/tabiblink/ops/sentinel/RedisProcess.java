package ma.tabiblink.ops.sentinel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * One real {@code redis-server} or {@code redis-sentinel} process of the machine's Redis installation, on 127.0.0.1
 * and a free port, with its configuration file, data and log in a folder of its own. Started and killed by tests.
 */
public final class RedisProcess {

    private static final List<Path> BINARY_DIRS = List.of(Path.of("/usr/bin"), Path.of("/usr/local/bin"), Path.of("/bin"));
    private static final Duration START_BOUND = Duration.ofSeconds(15);
    private static final Duration STOP_BOUND = Duration.ofSeconds(10);

    private final String binary;
    private final Path dir;
    private final int port;
    private Process process;

    private RedisProcess(String binary, Path dir, int port) {
        this.binary = binary;
        this.dir = dir;
        this.port = port;
    }

    /** A server or sentinel that will run in {@code dir} on a free port, not started yet. */
    public static RedisProcess prepare(String binary, Path dir) {
        return new RedisProcess(binary, dir, freePort());
    }

    /** The absolute path of a Redis program installed on this machine, if it is. */
    public static Optional<Path> installed(String binary) {
        return BINARY_DIRS.stream().map(d -> d.resolve(binary)).filter(Files::isExecutable).findFirst();
    }

    public HostAndPort address() {
        return new HostAndPort("127.0.0.1", port);
    }

    public int port() {
        return port;
    }

    Path dir() {
        return dir;
    }

    /** Writes the configuration (the common lines first, then {@code lines}) and starts the process on it. */
    public void start(List<String> lines) {
        Path config = dir.resolve(binary + ".conf");
        StringBuilder text = new StringBuilder()
                .append("bind 127.0.0.1\n")
                .append("port ").append(port).append('\n')
                .append("dir ").append(dir.toAbsolutePath()).append('\n')
                .append("logfile ").append(dir.resolve(binary + ".log").toAbsolutePath()).append('\n')
                .append("daemonize no\n")
                .append("protected-mode yes\n");
        lines.forEach(line -> text.append(line).append('\n'));
        try {
            Files.createDirectories(dir);
            Files.writeString(config, text);
            Path program = installed(binary).orElseThrow(() -> new IllegalStateException(binary + " is not installed"));
            process = new ProcessBuilder(program.toString(), config.toAbsolutePath().toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve(binary + ".out").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + binary + " in " + dir, e);
        }
        awaitPing();
    }

    /** Ends the process with SIGKILL, as a machine dying would, and waits for it to be gone. */
    public void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            if (!process.waitFor(STOP_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(binary + " on port " + port + " survived SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    public boolean running() {
        return process != null && process.isAlive();
    }

    private void awaitPing() {
        Instant deadline = Instant.now().plus(START_BOUND);
        while (true) {
            try (Jedis jedis = new Jedis(address(), timeout())) {
                if ("PONG".equals(jedis.ping())) {
                    return;
                }
            } catch (JedisException e) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(binary + " on port " + port + " exited with " + process.exitValue()
                            + "; see " + dir.resolve(binary + ".log"));
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException(binary + " on port " + port + " did not answer within " + START_BOUND, e);
                }
            }
            pause(Duration.ofMillis(50));
        }
    }

    public static redis.clients.jedis.JedisClientConfig timeout() {
        return redis.clients.jedis.DefaultJedisClientConfig.builder().timeoutMillis(1_000).build();
    }

    public static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return binary + "@" + port;
    }
}
