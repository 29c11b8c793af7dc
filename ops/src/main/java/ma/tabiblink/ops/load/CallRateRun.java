package ma.tabiblink.ops.load;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Call setup at a steady rate: every 1/rate seconds an idle nurse requests an urgent call; a specialist accepts,
 * offer/answer/candidates go through, the call lasts {@code --call-hold-ms}, the nurse hangs up and is idle again.
 */
final class CallRateRun {

    private final LoadOptions options;
    private final RunStats stats = new RunStats();

    CallRateRun(LoadOptions options) {
        this.options = options;
    }

    String run() {
        Report report = new Report();
        long planned = Math.round(options.callsPerSecond() * options.duration().toSeconds());
        long warmupCalls = Math.round(options.callsPerSecond() * options.warmup().toSeconds());
        report.line("== tabib call setup: %.0f new calls/s, %d s warm-up + %d s measured (%d calls), %d nurses + %d"
                        + " specialists, calls last %d ms ==",
                options.callsPerSecond(), options.warmup().toSeconds(), options.duration().toSeconds(), planned,
                options.pool(), options.pool(),
                options.callHold().toMillis());
        TokenMinter minter = TokenMinter.fromKeyFile(options.keyFile(), Clock.systemUTC(), options.tokenLifetime());
        List<TabibSpecialist> specialists = new ArrayList<>();
        List<TabibNurse> nurses = new ArrayList<>();
        for (int i = 0; i < options.pool(); i++) {
            specialists.add(new TabibSpecialist(Identity.specialist(options.prefix() + "-cps", i, options.specialty()), stats));
            nurses.add(new TabibNurse(Identity.nurse(options.prefix() + "-cps", i), options.specialty(),
                    options.patientRef(), stats));
        }
        try (WsClient client = new WsClient(options.threads())) {
            Fleet fleet = new Fleet(client, options.connectConcurrency(), options.phaseTimeout());
            Fleet.Opened<TabibSpecialist> openSpecialists =
                    fleet.open(specialists, s -> options.url(), s -> minter.mint(s.who));
            Fleet.Opened<TabibNurse> openNurses =
                    fleet.open(nurses, n -> options.url(), n -> minter.mint(n.who));
            report.line("connections: %d specialists available, %d nurses", openSpecialists.ready().size(),
                    openNurses.ready().size());
            report.events("connection failures", openSpecialists.failures().events());
            report.events("connection failures (nurses)", openNurses.failures().events());

            ConcurrentLinkedQueue<TabibNurse> idle = new ConcurrentLinkedQueue<>(openNurses.ready());
            List<CompletableFuture<Void>> calls = new ArrayList<>();
            AtomicInteger established = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            int skipped = 0;
            stats.callRinging.getIntervalHistogram();
            stats.callAccepted.getIntervalHistogram();
            Progress.say("placing calls at " + options.callsPerSecond() + " per second: warm-up");
            long periodNanos = (long) (1e9 / options.callsPerSecond());
            long warmupStart = System.nanoTime();
            AtomicInteger warmupSetUp = new AtomicInteger();
            int warmupPlaced = 0;
            for (long i = 0; i < warmupCalls; i++) {
                placeAt(warmupStart + i * periodNanos);
                TabibNurse nurse = idle.poll();
                if (nurse != null) {
                    warmupPlaced++;
                    oneCall(nurse, warmupSetUp, warmupSetUp).whenComplete((v, e) -> idle.add(nurse));
                }
            }
            // no warm-up call may land in the measured figures: wait for the last ones to be set up (or to fail)
            long deadline = System.nanoTime() + options.phaseTimeout().toNanos();
            while (warmupSetUp.get() < warmupPlaced && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            stats.callRinging.getIntervalHistogram();
            stats.callAccepted.getIntervalHistogram();
            Progress.say("placing " + planned + " calls at " + options.callsPerSecond() + " per second: measuring");
            long start = System.nanoTime();
            for (long i = 0; i < planned; i++) {
                placeAt(start + i * periodNanos);
                TabibNurse nurse = idle.poll();
                if (nurse == null) {
                    skipped++;
                    continue;
                }
                calls.add(oneCall(nurse, established, failed).whenComplete((v, e) -> idle.add(nurse)));
            }
            long elapsed = System.nanoTime() - start;
            Fleet.awaitAll(calls, System.nanoTime() + options.phaseTimeout().toNanos() + options.callHold().toNanos());
            long unfinished = calls.stream().filter(c -> !c.isDone()).count();
            Histogram ringing = stats.callRinging.getIntervalHistogram();
            Histogram accepted = stats.callAccepted.getIntervalHistogram();
            report.line("calls: %d requested in %.2f s (%.1f per s), %d established, %d failed, %d not placed (no idle nurse),"
                    + " %d still open at the end", calls.size(), elapsed / 1e9, calls.size() / (elapsed / 1e9),
                    established.get(), failed.get(), skipped, unfinished);
            report.latencies("call setup request->ringing", ringing);
            report.latencies("call setup request->accepted", accepted);
            report.latencyValues("call_setup_accepted", accepted);
            report.latencyValues("call_setup_ringing", ringing);
            report.events("events", stats.events());
            List<CompletableFuture<Void>> closed = new ArrayList<>();
            specialists.forEach(s -> closed.add(s.leave()));
            nurses.forEach(n -> closed.add(n.leave()));
            Fleet.awaitAll(closed, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
        }
        return report.toString();
    }

    private static void placeAt(long nanos) {
        long wait = nanos - System.nanoTime();
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    private CompletableFuture<Void> oneCall(TabibNurse nurse, AtomicInteger established, AtomicInteger failed) {
        long timeoutMillis = options.phaseTimeout().toMillis();
        return nurse.requestCall()
                .orTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .handle((callId, error) -> {
                    if (error == null) {
                        established.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                        stats.count("call failed: " + Fleet.reason(error));
                    }
                    return error == null;
                })
                .thenCompose(ok -> {
                    CompletableFuture<Void> held = new CompletableFuture<>();
                    long holdMillis = ok ? options.callHold().toMillis() : 0;
                    CompletableFuture.delayedExecutor(holdMillis, TimeUnit.MILLISECONDS).execute(() -> held.complete(null));
                    return held;
                })
                .thenCompose(v -> nurse.hangUp())
                .orTimeout(timeoutMillis + options.callHold().toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(e -> {
                    stats.count("hang-up not confirmed: " + Fleet.reason(e));
                    return null;
                });
    }
}
