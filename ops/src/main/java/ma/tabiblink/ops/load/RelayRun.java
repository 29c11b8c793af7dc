package ma.tabiblink.ops.load;

import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The relay benchmark: N connections in N/2 pairs; for our server each pair is a nurse and a specialist in an
 * established call (request, ring, accept, offer/answer, candidates), for the baseline a pair on the relay. Then each
 * pair bounces one relay message back and forth for the measured duration, and hangs up.
 */
final class RelayRun {

    private final LoadOptions options;
    private final RunStats stats = new RunStats();

    RelayRun(LoadOptions options) {
        this.options = options;
    }

    String run() {
        Report report = new Report();
        int pairs = options.connections() / 2;
        report.line("== %s relay: %d connections in %d pairs, %s, %d s warm-up + %d s measured ==",
                options.target().name().toLowerCase().replace('_', '-'), options.connections(), pairs,
                options.rate() > 0 ? "paced at " + (long) options.rate() + " messages/s" : "closed loop, one message in flight per pair",
                options.warmup().toSeconds(), options.duration().toSeconds());
        try (WsClient client = new WsClient(options.threads())) {
            Fleet fleet = new Fleet(client, options.connectConcurrency(), options.phaseTimeout());
            List<Peer> initiators;
            List<Peer> everyone = new ArrayList<>();
            List<TabibNurse> nursesInCall = new ArrayList<>();
            SlowCalls slow = new SlowCalls(List.of(), List.of());
            if (options.target() == LoadOptions.Target.TABIB) {
                TokenMinter minter = TokenMinter.fromKeyFile(options.keyFile(), Clock.systemUTC(), options.tokenLifetime());
                initiators = setUpCalls(fleet, minter, pairs, options.prefix(), options.specialty(), report, everyone,
                        nursesInCall);
                if (options.slowConsumers() > 0) {
                    slow = setUpSlowCalls(fleet, minter, report, everyone, nursesInCall);
                }
            } else {
                initiators = openPairs(fleet, pairs, report, everyone);
            }
            if (initiators.isEmpty()) {
                report.line("no pair could be set up; nothing to measure");
                report.events("events", stats.events());
                leaveAll(everyone);
                return report.toString();
            }
            relay(initiators, slow, report);
            if (!nursesInCall.isEmpty()) {
                hangUpAll(nursesInCall, report);
            }
            report.events("events", stats.events());
            leaveAll(everyone);
        }
        return report.toString();
    }

    private List<Peer> openPairs(Fleet fleet, int pairs, Report report, List<Peer> everyone) {
        List<PairMember> members = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            members.add(new PairMember("pair-" + i, stats));
            members.add(new PairMember("pair-" + i, stats));
        }
        everyone.addAll(members);
        URI base = options.url();
        String join = base.getRawQuery() == null ? "?" : "&";
        Progress.say("connecting " + members.size() + " pair members");
        Fleet.Opened<PairMember> opened =
                fleet.open(members, m -> URI.create(base + join + "pair=" + m.pairName()), m -> null);
        reportConnections(report, opened);
        Set<Peer> ready = Collections.newSetFromMap(new IdentityHashMap<>());
        ready.addAll(opened.ready());
        List<Peer> initiators = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            if (ready.contains(members.get(2 * i)) && ready.contains(members.get(2 * i + 1))) {
                initiators.add(members.get(2 * i));
            }
        }
        report.line("pairs: %d/%d with both members connected", initiators.size(), pairs);
        return initiators;
    }

    /** Slow-consumer calls: the specialist stops reading while the nurse floods relay messages. */
    private record SlowCalls(List<TabibNurse> flooders, List<TabibSpecialist> consumers) {
    }

    private SlowCalls setUpSlowCalls(Fleet fleet, TokenMinter minter, Report report, List<Peer> everyone,
            List<TabibNurse> inCall) {
        report.line("-- slow consumers: %d more calls in %s, whose specialists stop reading --", options.slowConsumers(),
                options.slowSpecialty());
        int before = everyone.size();
        List<Peer> flooders = setUpCalls(fleet, minter, options.slowConsumers(), options.prefix() + "-slow",
                options.slowSpecialty(), report, everyone, inCall);
        List<TabibSpecialist> consumers = new ArrayList<>();
        for (Peer peer : everyone.subList(before, everyone.size())) {
            if (peer instanceof TabibSpecialist specialist && specialist.link != null && specialist.link.isOpen()) {
                consumers.add(specialist);
            }
        }
        List<TabibNurse> nurses = new ArrayList<>();
        flooders.forEach(f -> nurses.add((TabibNurse) f));
        return new SlowCalls(nurses, consumers);
    }

    private List<Peer> setUpCalls(Fleet fleet, TokenMinter minter, int pairs, String prefix, String specialty,
            Report report, List<Peer> everyone, List<TabibNurse> inCall) {
        List<TabibSpecialist> specialists = new ArrayList<>();
        List<TabibNurse> nurses = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            specialists.add(new TabibSpecialist(Identity.specialist(prefix, i, specialty), stats));
            nurses.add(new TabibNurse(Identity.nurse(prefix, i), specialty, options.patientRef(), stats));
        }
        everyone.addAll(specialists);
        everyone.addAll(nurses);
        Progress.say("connecting " + pairs + " specialists and " + pairs + " nurses (" + specialty + ")");
        long started = System.nanoTime();
        Fleet.Opened<TabibSpecialist> openSpecialists =
                fleet.open(specialists, s -> options.url(), s -> minter.mint(s.who));
        Fleet.Opened<TabibNurse> openNurses =
                fleet.open(nurses, n -> options.url(), n -> minter.mint(n.who));
        long elapsed = System.nanoTime() - started;
        int ready = openSpecialists.ready().size() + openNurses.ready().size();
        report.line("connections: %d/%d authenticated and ready in %.2f s (%.0f per s; specialists also went available)",
                ready, 2 * pairs, elapsed / 1e9, ready / (elapsed / 1e9));
        if (prefix.equals(options.prefix())) {
            report.value("connect_per_second", ready / (elapsed / 1e9));
        }
        report.events("connection failures", merge(openSpecialists.failures(), openNurses.failures()));

        Progress.say("requesting " + openNurses.ready().size() + " calls");
        List<CompletableFuture<String>> calls = new ArrayList<>();
        for (TabibNurse nurse : openNurses.ready()) {
            calls.add(nurse.requestCall());
        }
        long deadline = System.nanoTime() + options.phaseTimeout().toNanos();
        Fleet.awaitAll(calls, deadline);
        List<Peer> initiators = new ArrayList<>();
        RunStats failures = new RunStats();
        for (int i = 0; i < calls.size(); i++) {
            CompletableFuture<String> call = calls.get(i);
            TabibNurse nurse = openNurses.ready().get(i);
            if (call.isDone() && !call.isCompletedExceptionally()) {
                initiators.add(nurse);
                inCall.add(nurse);
            } else {
                failures.count(call.isDone() ? Fleet.reason(call.handle((v, e) -> e).join()) : "TIMEOUT");
                inCall.add(nurse);
            }
        }
        report.line("calls: %d/%d established (request, ringing, accepted, offer/answer, candidates both ways)",
                initiators.size(), openNurses.ready().size());
        report.events("call failures", failures.events());
        Histogram ringing = stats.callRinging.getIntervalHistogram();
        Histogram accepted = stats.callAccepted.getIntervalHistogram();
        report.latencies("call setup request->ringing (all at once)", ringing);
        report.latencies("call setup request->accepted (all at once)", accepted);
        return initiators;
    }

    private void relay(List<Peer> initiators, SlowCalls slow, Report report) {
        Recorder roundTrips = new Recorder(3);
        LongAdder flooded = new LongAdder();
        LongAdder heldBack = new LongAdder();
        List<Flood> floods = new ArrayList<>();
        slow.consumers().forEach(Peer::becomeSlowConsumer);
        for (TabibNurse flooder : slow.flooders()) {
            floods.add(flooder.flood(options.slowRate(), flooded, heldBack));
        }
        long intervalNanos = options.rate() > 0 ? (long) (2e9 * initiators.size() / options.rate()) : 0;
        List<RelayPacer> pacers = new ArrayList<>();
        for (Peer initiator : initiators) {
            pacers.add(initiator.paceRelay(roundTrips, intervalNanos).join());
        }
        for (RelayPacer pacer : pacers) {
            pacer.start(intervalNanos == 0 ? 0 : ThreadLocalRandom.current().nextLong(intervalNanos));
        }
        Progress.say("relaying in " + initiators.size() + " pairs: warm-up");
        sleep(options.warmup().toNanos());
        roundTrips.getIntervalHistogram();
        Progress.say("relaying in " + initiators.size() + " pairs: measuring");
        long measuring = System.nanoTime();
        sleep(options.duration().toNanos());
        Histogram measured = roundTrips.getIntervalHistogram();
        long elapsed = System.nanoTime() - measuring;
        floods.forEach(Flood::stop);
        Progress.say("relay measured; stopping");
        List<CompletableFuture<Void>> drained = new ArrayList<>();
        for (RelayPacer pacer : pacers) {
            drained.add(pacer.stop());
        }
        Fleet.awaitAll(drained, System.nanoTime() + options.phaseTimeout().toNanos());
        long stuck = drained.stream().filter(d -> !d.isDone()).count();
        double messagesPerSecond = 2.0 * measured.getTotalCount() / (elapsed / 1e9);
        report.line("relay: %d pairs, %d messages relayed in %.2f s = %.0f messages/s",
                initiators.size(), 2 * measured.getTotalCount(), elapsed / 1e9, messagesPerSecond);
        report.latencies("relay round trip (A -> server -> B -> server -> A)", measured);
        if (stuck > 0) {
            report.line("pairs whose last message never came back: %d", stuck);
        }
        report.value("relayed_messages_per_second", messagesPerSecond);
        report.latencyValues("relay_round_trip", measured);
        if (!slow.consumers().isEmpty()) {
            reportSlowConsumers(slow, flooded.sum(), heldBack.sum(), report);
        }
    }

    /** Lets the slow consumers read again and sees which of them the server had cut off. */
    private void reportSlowConsumers(SlowCalls slow, long flooded, long heldBack, Report report) {
        List<CompletableFuture<Void>> closed = new ArrayList<>();
        for (TabibSpecialist consumer : slow.consumers()) {
            consumer.link.resumeReading();
            closed.add(consumer.link.closed());
        }
        Fleet.awaitAll(closed, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
        long cutOff = closed.stream().filter(CompletableFuture::isDone).count();
        report.line("slow consumers: %d relay messages sent towards them (%d more held back by the senders' own socket"
                + " buffers); %d of %d slow connections were closed by the server", flooded, heldBack, cutOff,
                slow.consumers().size());
        report.value("slow_consumers_cut_off", cutOff);
    }

    private void hangUpAll(List<TabibNurse> nurses, Report report) {
        List<CompletableFuture<Void>> ended = new ArrayList<>();
        for (TabibNurse nurse : nurses) {
            ended.add(nurse.hangUp().orTimeout(options.phaseTimeout().toMillis(), TimeUnit.MILLISECONDS));
        }
        Fleet.awaitAll(ended, System.nanoTime() + options.phaseTimeout().toNanos());
        long done = ended.stream().filter(e -> e.isDone() && !e.isCompletedExceptionally()).count();
        report.line("hang-up: %d/%d calls ended", done, nurses.size());
    }

    private void leaveAll(List<Peer> peers) {
        List<CompletableFuture<Void>> closed = new ArrayList<>();
        for (Peer peer : peers) {
            closed.add(peer.leave());
        }
        Fleet.awaitAll(closed, System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
    }

    private void reportConnections(Report report, Fleet.Opened<?> opened) {
        report.line("connections: %d/%d ready in %.2f s (%.0f per s)", opened.ready().size(), opened.attempted(),
                opened.elapsedNanos() / 1e9, opened.perSecond());
        report.value("connect_per_second", opened.perSecond());
        report.events("connection failures", opened.failures().events());
    }

    private static Map<String, Long> merge(RunStats a, RunStats b) {
        Map<String, Long> all = new TreeMap<>(a.events());
        b.events().forEach((k, v) -> all.merge(k, v, Long::sum));
        return all;
    }

    static void sleep(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
