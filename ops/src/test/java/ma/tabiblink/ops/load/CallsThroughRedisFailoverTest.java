package ma.tabiblink.ops.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.crypto.SecretKey;
import ma.tabiblink.ops.load.CallsOverTwoNodes.Pair;
import ma.tabiblink.ops.sentinel.RedisProcess;
import ma.tabiblink.ops.sentinel.SentinelTopology;
import ma.tabiblink.signaling.SignalingConfig;
import ma.tabiblink.signaling.SignalingServer;
import ma.tabiblink.signaling.appointment.AppointmentDirectory;
import ma.tabiblink.signaling.auth.RefreshedToken;
import ma.tabiblink.signaling.cluster.RedisKeys;
import ma.tabiblink.signaling.cluster.StateCipher;
import ma.tabiblink.signaling.video.VideoBroker;
import ma.tabiblink.signaling.video.VideoConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisSentineled;

/**
 * Twenty calls relaying through two signalling nodes while the Redis primary under them is killed with SIGKILL, again
 * and again (each time the primary the previous failover promoted, the killed one back as a replica in between), on a
 * real primary, two replicas and three Sentinels on loopback. The nodes follow the Sentinels to the new primary. Per
 * failover: how long until every call relays again, how many calls kept relaying, and whether both nodes' heartbeats
 * and every specialist's presence are on the new primary. At the end: no relayed message lost outside the failovers,
 * and within them no more than one per direction and failover (a node tries a relay again while Redis fails over and
 * delivers what it could not hear once it subscribes again: only what was inside the dying primary can be lost), none
 * duplicated or out of order, and no client had to reconnect. {@code -Dtabib.failovers=N} runs N failovers
 * (ops/scripts/fault-redis-failover.sh passes it on).
 */
@Timeout(600)
class CallsThroughRedisFailoverTest {

    private static final int CALLS = 20;
    private static final double MEMBER_RATE = 5;
    private static final Duration NODE_TIMEOUT = SignalingConfig.DEFAULT_NODE_TIMEOUT;
    private static final Duration PROMOTION_BOUND = Duration.ofSeconds(30);
    /** The bound for the application to recover by itself after the primary dies. */
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(15);
    private static final Duration IN_FLIGHT = Duration.ofSeconds(1);
    private static final List<String> NODE_IDS = List.of("failover-a", "failover-b");

    @TempDir
    Path dir;

    /** One failover, as the test saw it. */
    private record Failover(int number, long killedAtNanos, long recoveredAtNanos, int callsKept, boolean heartbeats,
            int presences) {
    }

    @Test
    void callsKeepRelayingThroughEveryFailoverAndNodesPutTheirStateBackOnTheNewPrimary() throws Exception {
        Assumptions.assumeTrue(SentinelTopology.unavailableReason().isEmpty(),
                () -> SentinelTopology.unavailableReason().orElse(""));
        int failovers = Integer.getInteger("tabib.failovers", 2);
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("redis-failover-test").generate();
        Path keyFile = Files.writeString(dir.resolve("access-token.jwk"), key.toJSONString());
        TokenMinter minter = TokenMinter.fromKeyFile(keyFile, Clock.systemUTC());
        SecretKey stateKey = StateCipher.generateKey();
        ScheduledExecutorService timers = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "redis-failover-timers");
            t.setDaemon(true);
            return t;
        });
        List<SignalingServer> nodes = new ArrayList<>();
        List<JedisSentineled> pools = new ArrayList<>();
        List<ResumingMember> everyone = new ArrayList<>();
        SentinelTopology topology = SentinelTopology.start(1);
        WsClient client = new WsClient(2);
        try {
            for (String id : NODE_IDS) {
                SignalingServer node = new SignalingServer(
                        SignalingConfig.defaults().toBuilder().port(0).nodeId(id).nodeTimeout(NODE_TIMEOUT)
                                .stateKey(stateKey).build(),
                        SignalingServerLoadTest.verifierOf(key),
                        who -> Optional.of(new RefreshedToken(minter.mint(Identity.nurse("refresh", 0)),
                                Instant.now().plusSeconds(900))),
                        AppointmentDirectory.NONE, SignalingServerLoadTest.ANY_PATIENT, event -> { },
                        new VideoBroker(VideoConfig.stunOnly(List.of("stun:stun.example.org:3478")), Clock.systemUTC()),
                        pool(topology, pools));
                node.start();
                nodes.add(node);
            }
            URI nodeA = URI.create("ws://127.0.0.1:" + nodes.get(0).boundPort() + "/signal");
            URI nodeB = URI.create("ws://127.0.0.1:" + nodes.get(1).boundPort() + "/signal");
            RunStats stats = new RunStats();
            Report report = new Report();
            CallsOverTwoNodes spread = new CallsOverTwoNodes(CALLS, "rf", null, nodeA, nodeB, nodeB, minter, client,
                    timers, stats);
            everyone.addAll(spread.everyone());
            List<Pair> calls = spread.setUp(new Fleet(client, 8, Duration.ofSeconds(30)), minter,
                    Duration.ofSeconds(30), report);
            assertThat(calls).as(report.toString()).hasSize(CALLS);

            List<ResumingMember> members = calls.stream().flatMap(p -> p.members().stream()).toList();
            long periodMicros = (long) (1e6 / MEMBER_RATE);
            ScheduledFuture<?> ticker = timers.scheduleAtFixedRate(() -> members.forEach(ResumingMember::tick),
                    periodMicros, periodMicros, TimeUnit.MICROSECONDS);
            List<Failover> seen = new ArrayList<>();
            try {
                Thread.sleep(2000);
                for (int i = 1; i <= failovers; i++) {
                    seen.add(failOver(i, topology, calls));
                }
                Thread.sleep(2000);
            } finally {
                ticker.cancel(false);
            }
            waitUntil(() -> calls.stream().allMatch(p -> p.toNurse().drained() && p.toSpecialist().drained()),
                    System.nanoTime() + TimeUnit.SECONDS.toNanos(5));

            RelayLedger.Tally all = RelayLedger.Tally.ZERO;
            for (Pair pair : calls) {
                for (RelayLedger ledger : pair.directions()) {
                    all = all.plus(ledger.tally(at -> seen.stream().anyMatch(f ->
                            at >= f.killedAtNanos() - IN_FLIGHT.toNanos() && at <= f.recoveredAtNanos() + IN_FLIGHT.toNanos())));
                }
            }
            long reconnected = members.stream().filter(ResumingMember::dropped).count();
            for (Failover f : seen) {
                System.out.printf("redis-failover %d: calls relaying again after %d ms; calls kept %d/%d; node heartbeats"
                                + " on the new primary: %s; specialists' presence on it: %d/%d%n", f.number(),
                        (f.recoveredAtNanos() - f.killedAtNanos()) / 1_000_000, f.callsKept(), CALLS,
                        f.heartbeats() ? "both" : "MISSING", f.presences(), CALLS);
            }
            System.out.printf("redis-failover relay: %d numbered messages, %d received; not received: %d written during"
                            + " a failover, %d outside; duplicated %d, out of order %d; clients that had to reconnect: %d%n",
                    all.generated(), all.received(), all.inFlight(), all.lost(), all.duplicates(), all.outOfOrder(),
                    reconnected);

            for (Failover f : seen) {
                assertThat(Duration.ofNanos(f.recoveredAtNanos() - f.killedAtNanos()))
                        .as("failover %d: every call relaying again", f.number()).isLessThanOrEqualTo(RECOVERY_BOUND);
                assertThat(f.callsKept()).as("failover %d: calls kept", f.number()).isEqualTo(CALLS);
                assertThat(f.heartbeats()).as("failover %d: both nodes' heartbeats on the new primary", f.number()).isTrue();
                assertThat(f.presences()).as("failover %d: specialists' presence on the new primary", f.number())
                        .isEqualTo(CALLS);
            }
            // A relayed message that meets a dead primary is tried again on the new one, and what a node could not
            // hear meanwhile is delivered once it subscribes again: at most what was inside the dying primary is lost.
            assertThat(all.inFlight()).as("relayed messages lost during a failover")
                    .isLessThanOrEqualTo(failovers * CALLS * 2);
            assertThat(all.lost()).as("relayed messages lost outside a failover").isZero();
            assertThat(all.duplicates()).as("relayed messages duplicated").isZero();
            assertThat(all.outOfOrder()).as("relayed messages out of order").isZero();
            assertThat(reconnected).as("clients whose socket dropped").isZero();
        } finally {
            // Members first (a member whose socket closes reconnects), Redis last (stopping nodes park their sessions).
            everyone.forEach(ResumingMember::stop);
            timers.shutdownNow();
            for (SignalingServer node : nodes) {
                node.stop(Duration.ofMillis(200));
            }
            pools.forEach(JedisSentineled::close);
            client.close();
            topology.close();
        }
    }

    private static JedisSentineled pool(SentinelTopology topology, List<JedisSentineled> pools) {
        // As the application's pool: a request waits for a connection no longer than for Redis itself.
        ConnectionPoolConfig poolConfig = new ConnectionPoolConfig();
        poolConfig.setMaxTotal(32);
        poolConfig.setMaxWait(Duration.ofMillis(2000));
        JedisSentineled pool = new JedisSentineled(SentinelTopology.MASTER_NAME,
                DefaultJedisClientConfig.builder().timeoutMillis(2000).build(), poolConfig,
                new HashSet<>(topology.sentinelAddresses()), DefaultJedisClientConfig.builder().build());
        pools.add(pool);
        return pool;
    }

    /**
     * Kills the primary, waits for the Sentinels to promote a replica and for every call to relay in both directions
     * again, checks the nodes' state on the new primary, and brings the killed server back as a replica.
     */
    private Failover failOver(int number, SentinelTopology topology, List<Pair> calls)
            throws InterruptedException {
        Map<RelayLedger, Integer> mark = new HashMap<>();
        calls.forEach(p -> p.directions().forEach(d -> mark.put(d, d.generated())));
        HostAndPort old = topology.primary();
        long killedAt = System.nanoTime();
        RedisProcess killed = topology.killPrimary();
        HostAndPort promoted = topology.awaitPromotion(old, PROMOTION_BOUND);
        waitUntil(() -> calls.stream().allMatch(p -> relaysSince(p, mark)),
                killedAt + RECOVERY_BOUND.toNanos() + TimeUnit.SECONDS.toNanos(15));
        long recoveredAt = System.nanoTime();
        int kept = (int) calls.stream().filter(p -> relaysSince(p, mark)).count();
        // A heartbeat (every third of the node timeout) puts back what the new primary lacks.
        Thread.sleep(NODE_TIMEOUT.toMillis() / 3 + 1000);
        RedisKeys keys = new RedisKeys(SignalingConfig.defaults().redisPrefix());
        boolean heartbeats;
        int presences = 0;
        try (Jedis primary = new Jedis(promoted, RedisProcess.timeout())) {
            long now = System.currentTimeMillis();
            heartbeats = NODE_IDS.stream().allMatch(id -> {
                Double beat = primary.zscore(keys.nodes(), id);
                return beat != null && now - beat.longValue() < NODE_TIMEOUT.toMillis();
            });
            for (Pair pair : calls) {
                if (primary.exists(keys.presence(pair.specialist().who.id()))) {
                    presences++;
                }
            }
        }
        topology.restart(killed);
        return new Failover(number, killedAt, recoveredAt, kept, heartbeats, presences);
    }

    private static boolean relaysSince(Pair pair, Map<RelayLedger, Integer> mark) {
        return pair.directions().stream().allMatch(d -> d.receivedAfter(mark.get(d)) > 0);
    }

    private static void waitUntil(BooleanSupplier done, long deadlineNanos) throws InterruptedException {
        while (!done.getAsBoolean() && System.nanoTime() < deadlineNanos) {
            Thread.sleep(50);
        }
    }
}
