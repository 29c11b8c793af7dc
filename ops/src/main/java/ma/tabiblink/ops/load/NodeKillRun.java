package ma.tabiblink.ops.load;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import ma.tabiblink.ops.load.CallsOverTwoNodes.Pair;
import org.HdrHistogram.Histogram;

/**
 * A signalling node killed mid-call. Calls are set up with their members spread over two nodes, A and B (nurse on
 * A and specialist on B, the other way round, both on A, both on B); every member relays numbered ICE candidates at a
 * steady pace. Once relaying, the run writes the ready file and waits for node A to disappear (the fault script kills
 * it with SIGKILL). The members that were on A reconnect to B and resume their sessions. Then it checks that every
 * call came back active within the resume window, that no relayed message was lost (beyond those in flight inside
 * the killed node), duplicated or reordered, and that relay goes on after the resume.
 */
final class NodeKillRun {

    private final LoadOptions options;
    private final RunStats stats = new RunStats();
    private final List<String> failedChecks = new ArrayList<>();

    NodeKillRun(LoadOptions options) {
        this.options = options;
    }

    RunOutcome run() {
        Report report = new Report();
        int pairs = options.connections() / 2;
        URI nodeA = options.url();
        URI nodeB = options.failoverUrl();
        report.line("== tabib node kill: %d calls over node A (%s) and node B (%s), %.0f relay messages/s per member ==",
                pairs, nodeA, nodeB, options.memberRate());
        TokenMinter minter = TokenMinter.fromKeyFile(options.keyFile(), Clock.systemUTC(), options.tokenLifetime());
        ScheduledExecutorService timers = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "node-kill-timers");
            t.setDaemon(true);
            return t;
        });
        List<ResumingMember> everyone = new ArrayList<>();
        try (WsClient client = new WsClient(options.threads())) {
            CallsOverTwoNodes spread = new CallsOverTwoNodes(pairs, options.prefix() + "-nk", options.patientRef(),
                    nodeA, nodeB, nodeB, minter, client, timers, stats);
            everyone.addAll(spread.everyone());
            List<Pair> calls = spread.setUp(new Fleet(client, options.connectConcurrency(), options.phaseTimeout()),
                    minter, options.phaseTimeout(), report);
            if (calls.size() < pairs) {
                failedChecks.add("every call set up");
            }
            if (!calls.isEmpty()) {
                relayThroughTheKill(calls, timers, report);
                hangUp(calls, report);
            }
            report.events("events", stats.events());
            everyone.forEach(ResumingMember::stop);
            List<CompletableFuture<Void>> closed = new ArrayList<>();
            everyone.forEach(m -> closed.add(m.leave()));
            Fleet.awaitAll(closed, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
        } finally {
            timers.shutdownNow();
        }
        if (failedChecks.isEmpty()) {
            report.line("result: PASS");
        } else {
            report.line("result: FAIL (%s)", String.join("; ", failedChecks));
        }
        report.value("checks_failed", failedChecks.size());
        return new RunOutcome(report.toString(), failedChecks.isEmpty());
    }

    private void relayThroughTheKill(List<Pair> calls, ScheduledExecutorService timers, Report report) {
        List<ResumingMember> members = new ArrayList<>();
        List<ResumingMember> onA = new ArrayList<>();
        List<ResumingMember> onB = new ArrayList<>();
        for (Pair pair : calls) {
            for (ResumingMember m : List.of(pair.nurse(), pair.specialist())) {
                members.add(m);
                (m.home().equals(options.url()) ? onA : onB).add(m);
            }
        }
        long periodMicros = (long) (1e6 / options.memberRate());
        ScheduledFuture<?> ticker = timers.scheduleAtFixedRate(() -> members.forEach(ResumingMember::tick),
                periodMicros, periodMicros, TimeUnit.MICROSECONDS);
        try {
            Progress.say("relaying in " + calls.size() + " calls: warm-up");
            RelayRun.sleep(options.warmup().toNanos());
            signalReady();
            Progress.say("relaying; node A may be killed now (" + onA.size() + " members on it)");
            long waitForKill = System.nanoTime() + options.phaseTimeout().toNanos();
            waitUntil(() -> onA.stream().anyMatch(ResumingMember::dropped), waitForKill);
            if (onA.stream().noneMatch(ResumingMember::dropped)) {
                report.line("node A never went away within %d s: nothing to resume", options.phaseTimeout().toSeconds());
                failedChecks.add("node A was killed");
                return;
            }
            long killedAt = onA.stream().filter(ResumingMember::dropped)
                    .mapToLong(ResumingMember::droppedAtNanos).min().orElseThrow();
            Progress.say("node A is gone; its members resume on node B");
            waitUntil(() -> onA.stream().allMatch(ResumingMember::dropped), killedAt + TimeUnit.SECONDS.toNanos(10));
            long lastDrop = onA.stream().filter(ResumingMember::dropped)
                    .mapToLong(ResumingMember::droppedAtNanos).max().orElseThrow();
            int window = members.get(0).resumeWindowSeconds();
            waitUntil(() -> onA.stream().allMatch(m -> m.resumed() || m.failure() != null),
                    lastDrop + TimeUnit.SECONDS.toNanos(window + 5L));
            Progress.say("resumes done; relaying " + options.duration().toSeconds() + " s more");
            Map<RelayLedger, Integer> markAtResume = new HashMap<>();
            for (Pair pair : calls) {
                markAtResume.put(pair.toNurse(), pair.toNurse().generated());
                markAtResume.put(pair.toSpecialist(), pair.toSpecialist().generated());
            }
            RelayRun.sleep(options.duration().toNanos());
            ticker.cancel(false);
            waitUntil(() -> calls.stream().allMatch(p -> p.toNurse().drained() && p.toSpecialist().drained()),
                    System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
            summarise(calls, onA, onB, killedAt, lastDrop, window, markAtResume, report);
        } finally {
            ticker.cancel(false);
        }
    }

    private void summarise(List<Pair> calls, List<ResumingMember> onA, List<ResumingMember> onB, long killedAt,
            long lastDrop, int window, Map<RelayLedger, Integer> markAtResume, Report report) {
        long dropped = onA.stream().filter(ResumingMember::dropped).count();
        long resumed = onA.stream().filter(ResumingMember::resumed).count();
        long active = onA.stream().filter(ResumingMember::callActiveInResume).count();
        long bDropped = onB.stream().filter(ResumingMember::dropped).count();
        long stuck = calls.stream().flatMap(p -> java.util.stream.Stream.of(p.nurse(), p.specialist()))
                .filter(m -> m.seqsStuckAboveLastSeq() > 0).count();
        report.line("node A killed: %d/%d of its members saw the drop within %.0f ms", dropped, onA.size(),
                (lastDrop - killedAt) / 1e6);
        report.line("resumed on node B: %d/%d members, %d with their call listed active in session.resumed"
                + " (%d resume requests in all)", resumed, onA.size(), active,
                onA.stream().mapToInt(ResumingMember::resumeAttempts).sum());
        Histogram resumeTimes = new Histogram(3);
        for (ResumingMember m : onA) {
            m.resumeNanos().forEach(resumeTimes::recordValue);
        }
        report.latencies("resume time (drop -> session.resumed)", resumeTimes);
        onA.stream().filter(m -> m.failure() != null).limit(5)
                .forEach(m -> report.line("  %s: %s", m.who.id(), m.failure()));

        long from = killedAt - options.inFlight().toNanos();
        long to = lastDrop + options.inFlight().toNanos();
        RelayLedger.Tally all = RelayLedger.Tally.ZERO;
        int directions = 0;
        int continuing = 0;
        int restartsNeeded = 0;
        int restarted = 0;
        for (Pair pair : calls) {
            for (RelayLedger ledger : List.of(pair.toNurse(), pair.toSpecialist())) {
                all = all.plus(ledger.tally(from, to));
                directions++;
                if (ledger.receivedAfter(markAtResume.get(ledger)) > 0) {
                    continuing++;
                }
            }
            if (pair.touchesA()) {
                restartsNeeded++;
                if (pair.nurse().iceRestarts() > 0) {
                    restarted++;
                }
            }
        }
        report.line("relay: %d numbered messages generated, %d received; lost %d, in flight inside node A when it died"
                + " %d, never sent %d, duplicated %d, out of order %d", all.generated(), all.received(), all.lost(),
                all.inFlight(), all.neverWritten(), all.duplicates(), all.outOfOrder());
        report.line("relay after the resume: %d/%d directions carried messages sent after every member resumed",
                continuing, directions);
        report.line("server seq: %d members left with a hole below messages they received (lastSeq stuck)", stuck);
        report.line("ICE restart after the resume (ice.restart, new offer, answer): %d/%d calls with a member on A",
                restarted, restartsNeeded);

        check(dropped == onA.size(), "every member on A saw the drop");
        check(bDropped == 0, "no member on B dropped");
        check(resumed == onA.size(), "every member on A resumed");
        check(active == onA.size(), "every resumed call was active");
        check(resumeTimes.getTotalCount() > 0 && resumeTimes.getMaxValue() < TimeUnit.SECONDS.toNanos(window),
                "every resume within the " + window + " s resume window");
        check(all.lost() == 0, "no relayed message lost");
        check(all.duplicates() == 0, "no relayed message duplicated");
        check(all.outOfOrder() == 0, "relayed messages in order");
        check(stuck == 0, "server seq contiguous for every member");
        check(continuing == directions, "relay continued after the resume");
        check(restarted == restartsNeeded, "ICE restarted in every call with a member on A");

        report.value("pairs", calls.size());
        report.value("members_on_a", onA.size());
        report.value("resumed", resumed);
        report.value("relay_lost", all.lost());
        report.value("relay_in_flight", all.inFlight());
        report.value("relay_duplicated", all.duplicates());
        if (resumeTimes.getTotalCount() > 0) {
            report.line("resume_p50_ms=%.1f%nresume_p99_ms=%.1f%nresume_max_ms=%.1f",
                    resumeTimes.getValueAtPercentile(50) / 1e6, resumeTimes.getValueAtPercentile(99) / 1e6,
                    resumeTimes.getMaxValue() / 1e6);
        }
    }

    private void hangUp(List<Pair> calls, Report report) {
        List<CompletableFuture<Void>> ended = new ArrayList<>();
        for (Pair pair : calls) {
            ended.add(pair.nurse().hangUp());
        }
        Fleet.awaitAll(ended, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
        report.line("hang-up: %d/%d calls ended", ended.stream().filter(CompletableFuture::isDone).count(), calls.size());
    }

    private void check(boolean ok, String what) {
        if (!ok) {
            failedChecks.add(what);
        }
    }

    private void signalReady() {
        if (options.readyFile() == null) {
            return;
        }
        try {
            Files.writeString(options.readyFile(), "relaying\n");
        } catch (IOException e) {
            throw new LoadException("READY_FILE_UNWRITABLE", "cannot write " + options.readyFile() + ": " + e.getMessage());
        }
    }

    private static void waitUntil(BooleanSupplier done, long deadlineNanos) {
        while (!done.getAsBoolean() && System.nanoTime() < deadlineNanos) {
            RelayRun.sleep(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }
}
