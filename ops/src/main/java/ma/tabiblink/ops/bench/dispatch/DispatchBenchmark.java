package ma.tabiblink.ops.bench.dispatch;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import javax.crypto.spec.SecretKeySpec;

import ma.tabiblink.signaling.auth.Identity;
import ma.tabiblink.signaling.auth.Role;
import ma.tabiblink.signaling.cluster.ClusterState;
import ma.tabiblink.signaling.cluster.PresenceStatus;
import ma.tabiblink.signaling.cluster.RedisKeys;
import ma.tabiblink.signaling.cluster.StateCipher;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The Redis time the urgent-call queue costs per event, against the queue's length: with N calls waiting for one
 * specialty (every specialist busy), the time Redis spends in the scripts of
 * <ul>
 *   <li>a new call joining ({@code request} + {@code dispatch}), and</li>
 *   <li>the head call being taken ({@code accept} + {@code dispatch}: every call behind moves up).</li>
 * </ul>
 * The time is read from {@code INFO commandstats} ({@code cmdstat_evalsha} usec) around each event, so it is Redis's
 * own time, without the round trip. The scripts are the signalling module's, run through {@link ClusterState} as a
 * node runs them. It uses (and empties) the keys under its own prefix in one logical database.
 *
 * <p>Usage: {@code DispatchBenchmark [--redis host:port] [--db 14] [--queued 10,100,1000,5000] [--runs 5]
 * [--events 200]}. Prints a table, then one {@code RESULT} line per queue length.
 */
public final class DispatchBenchmark {

    private static final String PREFIX = "tl:bench:dispatch:";
    private static final String SPECIALTY = "cardiology";
    private static final String NODE = "bench-node";
    private static final long PRESENCE_TTL_MS = 3_600_000;
    private static final long RING_MS = 30_000;
    private static final long TYPICAL_CALL_MS = 600_000;
    private static final ClusterState.QueueTimes TIMES = new ClusterState.QueueTimes(RING_MS, TYPICAL_CALL_MS);
    private static final int BUSY_SPECIALISTS = 20;

    private record Options(String host, int port, int db, int[] queued, int runs, int events) {

        static Options parse(String[] args) {
            String host = "127.0.0.1";
            int port = 6379;
            int db = 14;
            int[] queued = {10, 100, 1000, 5000};
            int runs = 5;
            int events = 200;
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + args[i]);
                }
                String value = args[i + 1];
                switch (args[i]) {
                    case "--redis" -> {
                        host = value.substring(0, value.lastIndexOf(':'));
                        port = Integer.parseInt(value.substring(value.lastIndexOf(':') + 1));
                    }
                    case "--db" -> db = Integer.parseInt(value);
                    case "--queued" -> queued = Arrays.stream(value.split(",")).mapToInt(Integer::parseInt).toArray();
                    case "--runs" -> runs = Integer.parseInt(value);
                    case "--events" -> events = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            return new Options(host, port, db, queued, runs, events);
        }
    }

    /** Medians over the runs of each run's median, in microseconds of Redis time per event. */
    private record Row(int queued, double joinMicros, double takeMicros) {
    }

    private final JedisPooled redis;
    private final ClusterState cluster;
    private int nextCall;

    private DispatchBenchmark(JedisPooled redis) {
        this.redis = redis;
        this.cluster = new ClusterState(redis, new RedisKeys(PREFIX),
                new StateCipher(new SecretKeySpec(new byte[32], "AES")));
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("DispatchBenchmark: " + e.getMessage());
            System.exit(2);
            return;
        }
        try (JedisPooled redis = new JedisPooled(new HostAndPort(options.host(), options.port()),
                DefaultJedisClientConfig.builder().database(options.db()).build())) {
            DispatchBenchmark bench = new DispatchBenchmark(redis);
            List<Row> rows = new ArrayList<>();
            try {
                for (int queued : options.queued()) {
                    rows.add(bench.measure(queued, options.runs(), options.events()));
                }
            } finally {
                bench.forgetAll();
            }
            System.out.println("| queued calls | new call joins: request + dispatch (µs) | head taken: accept + dispatch (µs) |");
            System.out.println("|---:|---:|---:|");
            for (Row r : rows) {
                System.out.printf(Locale.ROOT, "| %,d | %.0f | %.0f |%n", r.queued(), r.joinMicros(), r.takeMicros());
            }
            for (Row r : rows) {
                System.out.printf(Locale.ROOT, "RESULT queued=%d join_us=%.1f take_us=%.1f runs=%d events=%d%n",
                        r.queued(), r.joinMicros(), r.takeMicros(), options.runs(), options.events());
            }
        }
    }

    private Row measure(int queued, int runs, int events) {
        List<Double> joins = new ArrayList<>();
        List<Double> takes = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            forgetAll();
            setUp(queued);
            List<Long> join = new ArrayList<>();
            List<Long> take = new ArrayList<>();
            for (int e = 0; e < events; e++) {
                join.add(joinAndLeave());
                take.add(takeHeadAndRefill());
            }
            joins.add(median(join));
            takes.add(median(take));
            System.err.printf(Locale.ROOT, "queued %d, run %d: join %.0f µs, take %.0f µs%n", queued, run + 1,
                    joins.get(run), takes.get(run));
        }
        return new Row(queued, medianOf(joins), medianOf(takes));
    }

    /** Busy specialists (connected, away: they count for estimates but are never rung), then N queued calls. */
    private void setUp(int queued) {
        for (int i = 0; i < BUSY_SPECIALISTS; i++) {
            Identity who = specialist("busy-" + i);
            cluster.register("s-" + who.userId(), who, NODE, "x", 10, PRESENCE_TTL_MS);
            cluster.setPresence(who.userId(), PresenceStatus.AWAY, Instant.now(), PRESENCE_TTL_MS);
        }
        Identity taker = specialist("taker");
        cluster.register("s-taker", taker, NODE, "x", 10, PRESENCE_TTL_MS);
        cluster.setPresence(taker.userId(), PresenceStatus.AWAY, Instant.now(), PRESENCE_TTL_MS);
        for (int i = 0; i < queued; i++) {
            request();
        }
    }

    /**
     * A new call joins the queue and it is dispatched, one script run (measured), then the call is cancelled (not
     * measured): the queue keeps its length.
     */
    private long joinAndLeave() {
        long before = evalshaMicros();
        String callId = request();
        long spent = evalshaMicros() - before;
        cluster.end(callId, null, "cancelled", Instant.now(), 60_000);
        return spent;
    }

    /**
     * The taker goes available and is rung for the head call (not measured), accepts it and the queue is dispatched,
     * one script run (measured); then the taker goes away, the call ends and a new call joins (not measured).
     */
    private long takeHeadAndRefill() {
        Identity taker = specialist("taker");
        cluster.setPresence(taker.userId(), PresenceStatus.AVAILABLE, Instant.now(), PRESENCE_TTL_MS);
        ClusterState.Dispatch rung = dispatch();
        String head = rung.rings().get(0).callId();
        long before = evalshaMicros();
        cluster.accept(head, taker, "s-taker", Instant.now(), TIMES);
        long spent = evalshaMicros() - before;
        cluster.setPresence(taker.userId(), PresenceStatus.AWAY, Instant.now(), PRESENCE_TTL_MS);
        cluster.end(head, null, "hangup", Instant.now(), 60_000);
        request();
        return spent;
    }

    private String request() {
        String callId = "bench-c-" + (nextCall++);
        String nurse = "bench-nurse-" + nextCall;
        cluster.request(new ClusterState.UrgentRequest(callId, nurse, "s-" + nurse, SPECIALTY, "pat-bench",
                "", "Nurse", "disp-bench", "Bench"), Instant.now(), 5, TIMES);
        return callId;
    }

    private ClusterState.Dispatch dispatch() {
        return cluster.dispatch(SPECIALTY, Instant.now(), TIMES);
    }

    private static Identity specialist(String id) {
        return new Identity(id, id, Role.SPECIALIST, null, null, Set.of(SPECIALTY), Instant.now().plusSeconds(86_400));
    }

    private long evalshaMicros() {
        String stats = redis.info("commandstats");
        for (String line : stats.split("\r?\n")) {
            if (line.startsWith("cmdstat_evalsha:")) {
                for (String field : line.substring(line.indexOf(':') + 1).split(",")) {
                    if (field.startsWith("usec=")) {
                        return Long.parseLong(field.substring(5));
                    }
                }
            }
        }
        return 0;
    }

    private void forgetAll() {
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanParams match = new ScanParams().match(PREFIX + "*").count(1000);
        do {
            ScanResult<String> page = redis.scan(cursor, match);
            if (!page.getResult().isEmpty()) {
                redis.del(page.getResult().toArray(String[]::new));
            }
            cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
    }

    private static double median(List<Long> values) {
        return medianOf(values.stream().map(Long::doubleValue).collect(Collectors.toList()));
    }

    private static double medianOf(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
