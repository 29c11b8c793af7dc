package ma.tabiblink.ops.sentinel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A Redis deployment as an operator runs it, made of the machine's real {@code redis-server} and
 * {@code redis-sentinel} on loopback: one primary, two replicas and three sentinels with a quorum of two, each in a
 * temporary folder with a generated configuration. Timeouts are short so a failover takes seconds.
 * Closing it kills every process and deletes every folder, whatever state the test left it in.
 */
public final class SentinelTopology implements AutoCloseable {

    public static final String MASTER_NAME = "tabib";
    private static final int REPLICAS = 2;
    private static final int SENTINELS = 3;
    private static final int QUORUM = 2;
    private static final int DOWN_AFTER_MILLIS = 1_500;
    private static final int FAILOVER_TIMEOUT_MILLIS = 10_000;
    /** With {@code min-replicas-to-write}, how stale the last replica acknowledgement may be before writes stop. */
    private static final int MIN_REPLICAS_MAX_LAG_SECONDS = 10;
    private static final Duration SETTLE_BOUND = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(100);

    private final Path root;
    private final int minReplicasToWrite;
    private final List<RedisProcess> servers = new ArrayList<>();
    private final List<RedisProcess> sentinels = new ArrayList<>();

    private SentinelTopology(Path root, int minReplicasToWrite) {
        this.root = root;
        this.minReplicasToWrite = minReplicasToWrite;
    }

    /** Why this machine cannot run the topology ({@code redis-server} or {@code redis-sentinel} missing), if it cannot. */
    public static Optional<String> unavailableReason() {
        List<String> missing = Stream.of("redis-server", "redis-sentinel")
                .filter(binary -> RedisProcess.installed(binary).isEmpty())
                .toList();
        return missing.isEmpty() ? Optional.empty()
                : Optional.of(String.join(" and ", missing) + " not installed (ops/scripts/install-test-deps.sh installs them)");
    }

    /**
     * Starts the topology and waits until both replicas are in sync and every sentinel knows the primary, the
     * replicas and the other sentinels, so that a failover can happen. {@code minReplicasToWrite} is the servers'
     * {@code min-replicas-to-write} (0: writes never refused for want of replicas).
     */
    public static SentinelTopology start(int minReplicasToWrite) {
        SentinelTopology topology;
        try {
            topology = new SentinelTopology(Files.createTempDirectory("tabib-sentinel"), minReplicasToWrite);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            topology.launch();
            return topology;
        } catch (RuntimeException | Error e) {
            topology.close();
            throw e;
        }
    }

    private void launch() {
        RedisProcess primary = RedisProcess.prepare("redis-server", root.resolve("server-0"));
        servers.add(primary);
        primary.start(serverConfig(Optional.empty()));
        for (int i = 1; i <= REPLICAS; i++) {
            RedisProcess replica = RedisProcess.prepare("redis-server", root.resolve("server-" + i));
            servers.add(replica);
            replica.start(serverConfig(Optional.of(primary.address())));
        }
        for (int i = 0; i < SENTINELS; i++) {
            RedisProcess sentinel = RedisProcess.prepare("redis-sentinel", root.resolve("sentinel-" + i));
            sentinels.add(sentinel);
            sentinel.start(List.of(
                    "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + primary.port() + " " + QUORUM,
                    "sentinel down-after-milliseconds " + MASTER_NAME + " " + DOWN_AFTER_MILLIS,
                    "sentinel failover-timeout " + MASTER_NAME + " " + FAILOVER_TIMEOUT_MILLIS,
                    "sentinel parallel-syncs " + MASTER_NAME + " 1"));
        }
        awaitReady(primary.address());
    }

    private List<String> serverConfig(Optional<HostAndPort> replicaOf) {
        List<String> lines = new ArrayList<>(List.of(
                "appendonly yes",
                "appendfsync everysec",
                "save \"\"",
                "repl-diskless-sync yes",
                "repl-diskless-sync-delay 0"));
        if (minReplicasToWrite > 0) {
            // Every server gets it: any of them may become the primary.
            lines.add("min-replicas-to-write " + minReplicasToWrite);
            lines.add("min-replicas-max-lag " + MIN_REPLICAS_MAX_LAG_SECONDS);
        }
        replicaOf.ifPresent(p -> lines.add("replicaof " + p.getHost() + " " + p.getPort()));
        return lines;
    }

    /** The sentinels' addresses as {@code tabib.redis.sentinels} takes them: {@code host:port,host:port,...}. */
    public String sentinelsProperty() {
        return sentinels.stream().map(s -> s.address().toString()).collect(Collectors.joining(","));
    }

    public List<HostAndPort> sentinelAddresses() {
        return sentinels.stream().map(RedisProcess::address).toList();
    }

    /** The primary as the first sentinel that answers reports it. */
    public HostAndPort primary() {
        for (RedisProcess sentinel : sentinels) {
            try (Jedis jedis = new Jedis(sentinel.address(), RedisProcess.timeout())) {
                List<String> address = jedis.sentinelGetMasterAddrByName(MASTER_NAME);
                return new HostAndPort(address.get(0), Integer.parseInt(address.get(1)));
            } catch (JedisException e) {
                // the next sentinel may answer
            }
        }
        throw new IllegalStateException("no sentinel answered");
    }

    /** The servers that are running and are not the current primary. */
    public List<RedisProcess> replicas() {
        HostAndPort primary = primary();
        return servers.stream().filter(RedisProcess::running).filter(s -> !s.address().equals(primary)).toList();
    }

    /** Kills the current primary with SIGKILL and returns it, so that it can be {@linkplain #restart restarted}. */
    public RedisProcess killPrimary() {
        HostAndPort primary = primary();
        RedisProcess node = servers.stream().filter(s -> s.address().equals(primary)).findFirst()
                .orElseThrow(() -> new IllegalStateException("the sentinels' primary " + primary + " is not ours"));
        node.kill();
        return node;
    }

    /**
     * Waits until every sentinel names a primary other than {@code old} and that server answers as a master;
     * returns it.
     */
    public HostAndPort awaitPromotion(HostAndPort old, Duration bound) {
        Instant deadline = Instant.now().plus(bound);
        while (Instant.now().isBefore(deadline)) {
            Optional<HostAndPort> agreed = agreedPrimary().filter(p -> !p.equals(old));
            if (agreed.isPresent() && "master".equals(role(agreed.get()))) {
                return agreed.get();
            }
            RedisProcess.pause(POLL);
        }
        throw new IllegalStateException("no replica was promoted within " + bound + " after " + old + " went down");
    }

    /**
     * Starts a killed server again on its port and files, as a replica of the current primary, and waits until it is
     * in sync and every sentinel counts it as a healthy replica again (so that it can be promoted next time).
     */
    public void restart(RedisProcess node) {
        if (node.running()) {
            throw new IllegalStateException(node + " is running");
        }
        HostAndPort primary = primary();
        node.start(serverConfig(Optional.of(primary)));
        Instant deadline = Instant.now().plus(SETTLE_BOUND);
        while (!inSync(node.address()) || !everySentinelSeesAHealthyReplica(node.address())) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(node + " did not rejoin " + primary + " within " + SETTLE_BOUND);
            }
            RedisProcess.pause(POLL);
        }
    }

    private boolean everySentinelSeesAHealthyReplica(HostAndPort replica) {
        for (RedisProcess sentinel : sentinels) {
            try (Jedis jedis = new Jedis(sentinel.address(), RedisProcess.timeout())) {
                boolean healthy = jedis.sentinelReplicas(MASTER_NAME).stream().anyMatch(r ->
                        replica.getPort() == Integer.parseInt(r.get("port")) && "slave".equals(r.get("flags")));
                if (!healthy) {
                    return false;
                }
            } catch (JedisException e) {
                return false;
            }
        }
        return true;
    }

    private void awaitReady(HostAndPort primary) {
        Instant deadline = Instant.now().plus(SETTLE_BOUND);
        while (!ready(primary)) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the sentinel topology did not settle within " + SETTLE_BOUND
                        + "; logs in " + root);
            }
            RedisProcess.pause(POLL);
        }
    }

    private boolean ready(HostAndPort primary) {
        for (RedisProcess server : servers) {
            if (!server.address().equals(primary) && !inSync(server.address())) {
                return false;
            }
        }
        for (RedisProcess sentinel : sentinels) {
            try (Jedis jedis = new Jedis(sentinel.address(), RedisProcess.timeout())) {
                Map<String, String> master = jedis.sentinelMaster(MASTER_NAME);
                if (Integer.parseInt(master.get("num-slaves")) < REPLICAS
                        || Integer.parseInt(master.get("num-other-sentinels")) < SENTINELS - 1) {
                    return false;
                }
            } catch (JedisException e) {
                return false;
            }
        }
        return true;
    }

    private Optional<HostAndPort> agreedPrimary() {
        HostAndPort agreed = null;
        for (RedisProcess sentinel : sentinels) {
            try (Jedis jedis = new Jedis(sentinel.address(), RedisProcess.timeout())) {
                List<String> address = jedis.sentinelGetMasterAddrByName(MASTER_NAME);
                HostAndPort named = new HostAndPort(address.get(0), Integer.parseInt(address.get(1)));
                if (agreed != null && !agreed.equals(named)) {
                    return Optional.empty();
                }
                agreed = named;
            } catch (JedisException e) {
                return Optional.empty();
            }
        }
        return Optional.ofNullable(agreed);
    }

    private static String role(HostAndPort server) {
        try (Jedis jedis = new Jedis(server, RedisProcess.timeout())) {
            return String.valueOf(jedis.role().get(0));
        } catch (JedisException e) {
            return "unreachable";
        }
    }

    private static boolean inSync(HostAndPort replica) {
        try (Jedis jedis = new Jedis(replica, RedisProcess.timeout())) {
            String info = jedis.info("replication");
            return info.contains("role:slave") && info.contains("master_link_status:up");
        } catch (JedisException e) {
            return false;
        }
    }

    @Override
    public void close() {
        Stream.concat(sentinels.stream(), servers.stream()).forEach(process -> {
            try {
                process.kill();
            } catch (RuntimeException e) {
                // keep killing the others
            }
        });
        deleteRecursively(root);
    }

    /** Deletes a test's temporary folder and everything in it (also used by {@link PrimaryWithReplica}). */
    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + dir, e);
        }
    }
}
