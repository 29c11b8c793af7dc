package ma.tabiblink.ops.load;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Calls whose members are spread over two signalling nodes, A and B: nurse on A and specialist on B, the other way
 * round, both on A, both on B. Once set up, each member relays numbered ICE candidates into a {@link RelayLedger}
 * per direction. Shared by the fault runs: a node killed mid-call, and Redis failing over under the calls.
 */
final class CallsOverTwoNodes {

    /** Where the two members of a call sit; each layout has its own specialty so that routing keeps it. */
    record Layout(String name, boolean nurseOnA, boolean specialistOnA, String specialty) {
    }

    static final List<Layout> LAYOUTS = List.of(
            new Layout("nurse on A, specialist on B", true, false, "cardiology"),
            new Layout("nurse on B, specialist on A", false, true, "paediatrics"),
            new Layout("both on A", true, true, "dermatology"),
            new Layout("both on B", false, false, "ent"));

    /** One established call and its two directions. */
    record Pair(Layout layout, ResumingMember nurse, ResumingMember specialist, RelayLedger toSpecialist,
            RelayLedger toNurse) {

        boolean touchesA() {
            return layout.nurseOnA() || layout.specialistOnA();
        }

        List<ResumingMember> members() {
            return List.of(nurse, specialist);
        }

        List<RelayLedger> directions() {
            return List.of(toNurse, toSpecialist);
        }
    }

    private final List<ResumingMember> specialists = new ArrayList<>();
    private final List<ResumingMember> nurses = new ArrayList<>();
    private final Map<ResumingMember, Layout> layoutOf = new HashMap<>();
    private final RunStats stats;

    /**
     * {@code pairs} nurses and specialists, not connected yet; a member whose connection drops reconnects to
     * {@code failover} and resumes there.
     */
    CallsOverTwoNodes(int pairs, String prefix, String patientRef, URI nodeA, URI nodeB, URI failover,
            TokenMinter minter, WsClient client, ScheduledExecutorService timers, RunStats stats) {
        this.stats = stats;
        for (int i = 0; i < pairs; i++) {
            Layout layout = LAYOUTS.get(i % LAYOUTS.size());
            ResumingMember specialist = new ResumingMember(
                    Identity.specialist(prefix, i, layout.specialty()), layout.specialty(), null,
                    layout.specialistOnA() ? nodeA : nodeB, failover, minter, client, timers, stats);
            ResumingMember nurse = new ResumingMember(Identity.nurse(prefix, i), layout.specialty(), patientRef,
                    layout.nurseOnA() ? nodeA : nodeB, failover, minter, client, timers, stats);
            specialists.add(specialist);
            nurses.add(nurse);
            layoutOf.put(nurse, layout);
        }
    }

    List<ResumingMember> everyone() {
        List<ResumingMember> all = new ArrayList<>(specialists);
        all.addAll(nurses);
        return all;
    }

    int size() {
        return nurses.size();
    }

    /** Connects everyone, sets every call up (request, ring, accept, offer/answer, candidates) and starts the ledgers. */
    List<Pair> setUp(Fleet fleet, TokenMinter minter, Duration phaseTimeout, Report report) {
        Progress.say("connecting " + specialists.size() + " specialists and " + nurses.size() + " nurses to nodes A and B");
        Fleet.Opened<ResumingMember> openSpecialists =
                fleet.open(specialists, ResumingMember::home, m -> minter.mint(m.who));
        Fleet.Opened<ResumingMember> openNurses =
                fleet.open(nurses, ResumingMember::home, m -> minter.mint(m.who));
        report.line("connections: %d/%d specialists available, %d/%d nurses", openSpecialists.ready().size(),
                specialists.size(), openNurses.ready().size(), nurses.size());
        report.events("connection failures", openSpecialists.failures().events());
        report.events("connection failures (nurses)", openNurses.failures().events());

        Progress.say("requesting " + openNurses.ready().size() + " calls");
        List<CompletableFuture<String>> established = new ArrayList<>();
        for (ResumingMember nurse : openNurses.ready()) {
            established.add(nurse.requestCall());
        }
        for (ResumingMember specialist : openSpecialists.ready()) {
            established.add(specialist.callEstablished());
        }
        Fleet.awaitAll(established, System.nanoTime() + phaseTimeout.toNanos());

        Map<String, ResumingMember> specialistOfCall = new HashMap<>();
        for (ResumingMember specialist : openSpecialists.ready()) {
            CompletableFuture<String> call = specialist.callEstablished();
            if (call.isDone() && !call.isCompletedExceptionally()) {
                specialistOfCall.put(call.join(), specialist);
            }
        }
        List<Pair> calls = new ArrayList<>();
        Map<String, Integer> perLayout = new LinkedHashMap<>();
        LAYOUTS.forEach(l -> perLayout.put(l.name(), 0));
        for (ResumingMember nurse : openNurses.ready()) {
            CompletableFuture<String> call = nurse.callEstablished();
            if (!call.isDone() || call.isCompletedExceptionally()) {
                stats.count("call not set up: " + (call.isDone() ? Fleet.reason(call.handle((v, e) -> e).join()) : "TIMEOUT"));
                continue;
            }
            ResumingMember specialist = specialistOfCall.get(call.join());
            if (specialist == null) {
                stats.count("call not set up: the specialist's side did not finish");
                continue;
            }
            Layout layout = layoutOf.get(nurse);
            Pair pair = new Pair(layout, nurse, specialist, new RelayLedger(), new RelayLedger());
            nurse.relayWith(pair.toSpecialist(), pair.toNurse());
            specialist.relayWith(pair.toNurse(), pair.toSpecialist());
            calls.add(pair);
            perLayout.merge(layout.name(), 1, Integer::sum);
        }
        report.line("calls: %d/%d established (request, ringing, accepted, offer/answer, candidates both ways)",
                calls.size(), nurses.size());
        perLayout.forEach((layout, n) -> report.line("  %s: %d", layout, n));
        return calls;
    }
}
