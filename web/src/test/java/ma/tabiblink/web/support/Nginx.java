package ma.tabiblink.web.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The machine's nginx on a free loopback port in front of web nodes, set up as {@code ops/deploy/nginx} sets up the
 * {@code tabib_web} upstream (HTTP/1.1 keep-alive to the nodes, the same timeouts). An operator's rolling restart takes
 * a node out by marking it {@code down} and reloading; {@link #markDown} does the same and returns once every worker
 * of the old configuration has finished its requests and exited. The access log records, per request, the node that
 * answered and the status, for tests to read with {@link #accessLog}.
 */
public final class Nginx implements AutoCloseable {

    private static final Path BINARY = Path.of("/usr/sbin/nginx");
    private static final Duration START_BOUND = Duration.ofSeconds(15);
    private static final Duration RELOAD_BOUND = Duration.ofSeconds(30);
    private static final List<String> TEMP_DIRS = List.of("client_body", "proxy", "fastcgi", "uwsgi", "scgi");

    /** One line of the access log: the node's address ({@code 127.0.0.1:port}, or {@code -}) and the status. */
    public record Logged(String upstream, int status) {
    }

    private final Path dir;
    private final int port;
    private final Map<Integer, Boolean> nodesDown = new LinkedHashMap<>();
    private final Process master;

    private Nginx(Path dir, int port, List<Integer> nodePorts) {
        this.dir = dir;
        this.port = port;
        nodePorts.forEach(p -> nodesDown.put(p, false));
        writeConfig();
        try {
            master = new ProcessBuilder(BINARY.toString(), "-p", dir.toString(), "-c", config().toString(),
                    "-e", dir.resolve("error.log").toString(), "-g", "daemon off;")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("nginx.out").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start nginx in " + dir, e);
        }
        awaitListening();
    }

    /** Why nginx cannot run here, if it cannot. */
    public static Optional<String> unavailableReason() {
        return Files.isExecutable(BINARY) ? Optional.empty()
                : Optional.of(BINARY + " is not installed (ops/scripts/install-test-deps.sh installs it)");
    }

    /** Starts nginx on a free port, passing requests to the nodes listening on {@code nodePorts} of 127.0.0.1. */
    public static Nginx inFrontOf(List<Integer> nodePorts) {
        try {
            Path dir = Files.createTempDirectory("tabib-nginx");
            // workers run as an unprivileged user when nginx is started as root: they must reach their temp folders
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            for (String temp : TEMP_DIRS) {
                Path tempDir = Files.createDirectories(dir.resolve(temp));
                Files.setPosixFilePermissions(tempDir, PosixFilePermissions.fromString("rwxrwxrwx"));
            }
            return new Nginx(dir, freePort(), nodePorts);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Takes the node out of the upstream (or puts it back) and waits for the old workers to finish their requests. */
    public void markDown(int nodePort, boolean down) {
        if (!nodesDown.containsKey(nodePort)) {
            throw new IllegalArgumentException("no node on port " + nodePort);
        }
        nodesDown.put(nodePort, down);
        writeConfig();
        Set<Long> oldWorkers = workers();
        try {
            new ProcessBuilder("kill", "-HUP", Long.toString(master.pid())).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Instant deadline = Instant.now().plus(RELOAD_BOUND);
        while (true) {
            Set<Long> now = workers();
            if (!now.isEmpty() && now.stream().noneMatch(oldWorkers::contains)) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("nginx did not reload within " + RELOAD_BOUND + "; see "
                        + dir.resolve("error.log"));
            }
            pause(Duration.ofMillis(50));
        }
    }

    /** Every request logged so far, in order. */
    public List<Logged> accessLog() {
        try {
            List<Logged> logged = new ArrayList<>();
            for (String line : Files.readAllLines(dir.resolve("access.log"))) {
                String[] fields = line.split(" ");
                if (fields.length == 2) {
                    logged.add(new Logged(fields[0], Integer.parseInt(fields[1])));
                }
            }
            return logged;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        master.destroy(); // SIGTERM: fast shutdown of the master and its workers
        try {
            if (!master.waitFor(10, TimeUnit.SECONDS)) {
                master.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Set<Long> workers() {
        return master.toHandle().children().map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    private Path config() {
        return dir.resolve("nginx.conf");
    }

    private void writeConfig() {
        StringBuilder upstream = new StringBuilder();
        nodesDown.forEach((nodePort, down) -> upstream.append("        server 127.0.0.1:").append(nodePort)
                .append(" max_fails=3 fail_timeout=10s").append(down ? " down" : "").append(";\n"));
        String text = """
                worker_processes 1;
                pid %1$s/nginx.pid;
                events {
                    worker_connections 512;
                }
                http {
                    log_format node '$upstream_addr $status';
                    access_log %1$s/access.log node;
                    client_body_temp_path %1$s/client_body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    upstream tabib_web {
                %2$s        keepalive 32;
                    }
                    server {
                        listen 127.0.0.1:%3$d;
                        location / {
                            proxy_pass http://tabib_web;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                            proxy_set_header Host $host;
                            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                            proxy_connect_timeout 5s;
                            proxy_read_timeout 90s;
                            proxy_send_timeout 90s;
                        }
                    }
                }
                """.formatted(dir, upstream, port);
        try {
            Files.writeString(config(), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitListening() {
        Instant deadline = Instant.now().plus(START_BOUND);
        while (true) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                if (!master.isAlive() || Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("nginx did not start; see " + dir.resolve("error.log")
                            + " and " + dir.resolve("nginx.out"), e);
                }
                pause(Duration.ofMillis(50));
            }
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
