package ma.tabiblink.ops.load;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * A burst of urgent calls: {@code --pool} specialists spread over {@code --specialties} specialties all go available,
 * then as many nurses (their calls spread the same way) request a call within {@code --burst-ms}; each specialist
 * accepts the call rung to her. Reports how long after the first request every call was ringing and every call
 * accepted, and each call's request->ringing and request->accepted.
 */
final class BurstRun {

    static final List<String> SPECIALTIES = List.of("cardiology", "paediatrics", "dermatology", "pulmonology",
            "neurology", "gynaecology", "psychiatry");

    private final LoadOptions options;
    private final RunStats stats = new RunStats();

    BurstRun(LoadOptions options) {
        this.options = options;
    }

    String run() {
        Report report = new Report();
        int pool = options.pool();
        List<String> specialties = SPECIALTIES.subList(0, options.specialties());
        report.line("== tabib call burst: %d urgent calls within %d ms, %d available specialists over %d specialties ==",
                pool, options.burst().toMillis(), pool, specialties.size());
        TokenMinter minter = TokenMinter.fromKeyFile(options.keyFile(), Clock.systemUTC(), options.tokenLifetime());
        List<TabibSpecialist> specialists = new ArrayList<>();
        List<TabibNurse> nurses = new ArrayList<>();
        for (int i = 0; i < pool; i++) {
            String specialty = specialties.get(i % specialties.size());
            specialists.add(new TabibSpecialist(Identity.specialist(options.prefix() + "-burst", i, specialty), stats));
            nurses.add(new TabibNurse(Identity.nurse(options.prefix() + "-burst", i), specialty, options.patientRef(),
                    stats));
        }
        try (WsClient client = new WsClient(options.threads())) {
            Fleet fleet = new Fleet(client, options.connectConcurrency(), options.phaseTimeout());
            Fleet.Opened<TabibSpecialist> openSpecialists =
                    fleet.open(specialists, s -> options.url(), s -> minter.mint(s.who));
            Fleet.Opened<TabibNurse> openNurses = fleet.open(nurses, n -> options.url(), n -> minter.mint(n.who));
            report.line("connections: %d specialists available, %d nurses", openSpecialists.ready().size(),
                    openNurses.ready().size());
            report.events("connection failures", openSpecialists.failures().events());
            report.events("connection failures (nurses)", openNurses.failures().events());

            List<TabibNurse> calling = openNurses.ready();
            List<CompletableFuture<Void>> calls = new ArrayList<>();
            AtomicInteger established = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            stats.callRinging.getIntervalHistogram();
            stats.callAccepted.getIntervalHistogram();
            Progress.say("requesting " + calling.size() + " calls within " + options.burst().toMillis() + " ms");
            long spacing = calling.isEmpty() ? 0 : options.burst().toNanos() / calling.size();
            long start = System.nanoTime();
            for (int i = 0; i < calling.size(); i++) {
                long wait = start + i * spacing - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                calls.add(setUp(calling.get(i), established, failed));
            }
            long requested = System.nanoTime() - start;
            Fleet.awaitAll(calls, System.nanoTime() + options.phaseTimeout().toNanos());
            long allRinging = latest(calling, n -> n.rungAt, start);
            long allAccepted = latest(calling, n -> n.acceptedAt, start);
            Histogram ringing = stats.callRinging.getIntervalHistogram();
            Histogram accepted = stats.callAccepted.getIntervalHistogram();
            report.line("calls: %d requested in %.1f ms, %d established, %d failed", calls.size(), requested / 1e6,
                    established.get(), failed.get());
            report.line("all ringing %s after the first request, all accepted %s",
                    allRinging < 0 ? "never" : Report.millis(allRinging),
                    allAccepted < 0 ? "never" : Report.millis(allAccepted));
            report.latencies("request->ringing", ringing);
            report.latencies("request->accepted", accepted);
            report.value("burst_calls", calls.size());
            report.value("burst_ringing", ringing.getTotalCount());
            report.value("burst_accepted", accepted.getTotalCount());
            if (allRinging >= 0) {
                report.line("burst_all_ringing_ms=%.3f", allRinging / 1e6);
            }
            if (allAccepted >= 0) {
                report.line("burst_all_accepted_ms=%.3f", allAccepted / 1e6);
            }
            report.latencyValues("burst_ringing", ringing);
            report.latencyValues("burst_accepted", accepted);
            report.events("events", stats.events());
            List<CompletableFuture<Void>> closed = new ArrayList<>();
            calling.forEach(n -> closed.add(n.hangUp()));
            Fleet.awaitAll(closed, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
            closed.clear();
            specialists.forEach(s -> closed.add(s.leave()));
            nurses.forEach(n -> closed.add(n.leave()));
            Fleet.awaitAll(closed, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
        }
        return report.toString();
    }

    private CompletableFuture<Void> setUp(TabibNurse nurse, AtomicInteger established, AtomicInteger failed) {
        return nurse.requestCall()
                .orTimeout(options.phaseTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .handle((callId, error) -> {
                    if (error == null) {
                        established.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                        stats.count("call failed: " + Fleet.reason(error));
                    }
                    return null;
                });
    }

    private interface Moment {
        long of(TabibNurse nurse);
    }

    /** Nanoseconds from {@code start} to the latest moment of all nurses; -1 when one of them never got there. */
    private static long latest(List<TabibNurse> nurses, Moment moment, long start) {
        long latest = start;
        for (TabibNurse nurse : nurses) {
            long at = moment.of(nurse);
            if (at == 0) {
                return -1;
            }
            latest = Math.max(latest, at);
        }
        return latest - start;
    }
}
