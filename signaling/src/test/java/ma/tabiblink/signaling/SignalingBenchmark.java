package ma.tabiblink.signaling;

import com.fasterxml.jackson.databind.JsonNode;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Measures (does not assert) call setup time and heap per idle connection against a real node and a real Redis.
 * Run: see docs/benchmarks.md, section "Signalling".
 */
public final class SignalingBenchmark {

    private SignalingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int idle = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        try (SignalingFixture fx = new SignalingFixture()) {
            SignalingServer server = fx.start(b -> b.nodeId("bench").maxConnectionsPerUser(idle + 10).maxMessagesPerSecond(10_000)
                    .sweepInterval(Duration.ofMillis(250)));
            int port = server.boundPort();
            callSetup(fx, port, calls);
            idleMemory(fx, port, server, idle);
        }
    }

    private static void callSetup(SignalingFixture fx, int port, int calls) {
        try (TestClient doctor = TestClient.connect(port, fx.tokens.specialist("dr.bench", "cardiology"));
             TestClient nurse = TestClient.connect(port, fx.tokens.nurse("nurse-bench", "disp-tinghir"))) {
            doctor.await("welcome");
            nurse.await("welcome");
            doctor.send("presence.set", "status", "available");
            doctor.await("presence");
            long[] toRing = new long[calls];
            long[] toAccepted = new long[calls];
            for (int i = 0; i < calls; i++) {
                long t0 = System.nanoTime();
                nurse.send("call.request", "specialty", "cardiology", "patientRef", "pat-" + i);
                JsonNode incoming;
                try {
                    incoming = doctor.await("call.incoming");
                } catch (AssertionError e) {
                    List<JsonNode> seen = nurse.all();
                    System.out.println(seen.subList(Math.max(0, seen.size() - 6), seen.size()));
                    System.out.println(fx.redis.hgetAll("tl:sig:presence:dr.bench"));
                    System.out.println(fx.redis.zrangeWithScores("tl:sig:avail:cardiology", 0, -1));
                    throw e;
                }
                long t1 = System.nanoTime();
                String callId = incoming.path("callId").asText();
                doctor.send("call.accept", "callId", callId);
                nurse.await("call.accepted");
                long t2 = System.nanoTime();
                toRing[i] = t1 - t0;
                toAccepted[i] = t2 - t0;
                doctor.await("call.accepted");
                nurse.send("call.hangup", "callId", callId);
                nurse.await("call.ended");
                doctor.await("call.ended");
                nurse.await("call.queued");
            }
            report("request -> specialist rung", toRing);
            report("request -> nurse has call.accepted (incl. specialist's accept round trip)", toAccepted);
        }
    }

    private static void report(String what, long[] nanos) {
        // the first 10% are warm-up (JIT, Lua script cache) and left out
        long[] steady = Arrays.copyOfRange(nanos, nanos.length / 10, nanos.length);
        Arrays.sort(steady);
        System.out.printf(Locale.ROOT, "%s over %d calls: p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                what, steady.length, ms(pct(steady, 50)), ms(pct(steady, 95)), ms(pct(steady, 99)),
                ms(steady[steady.length - 1]));
    }

    private static long pct(long[] sorted, int p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }

    private static void idleMemory(SignalingFixture fx, int port, SignalingServer server, int count)
            throws Exception {
        String token = fx.tokens.nurse("nurse-idle", "disp-tinghir");
        long before = usedHeapAfterGc();
        List<RawWebSocket> sockets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sockets.add(new RawWebSocket(port, token));
        }
        while (server.view().localConnections() < count) {
            Thread.sleep(10);
        }
        Thread.sleep(500);
        long after = usedHeapAfterGc();
        System.out.printf(Locale.ROOT, "%d idle authenticated connections: heap +%.1f MiB, %.1f KiB per connection "
                + "(server and the test's own sockets, same JVM)%n", count, (after - before) / 1048576.0,
                (after - before) / 1024.0 / count);
        for (RawWebSocket s : sockets) {
            s.close();
        }
        while (server.view().localConnections() > 0) {
            Thread.sleep(10);
        }
        Thread.sleep(1000);
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
