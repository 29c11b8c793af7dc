package ma.tabiblink.signaling;

import ma.tabiblink.signaling.auth.Identity;
import ma.tabiblink.signaling.auth.Role;
import ma.tabiblink.signaling.cluster.CallState;
import ma.tabiblink.signaling.cluster.ClusterState;
import ma.tabiblink.signaling.cluster.PresenceStatus;
import ma.tabiblink.signaling.cluster.RedisKeys;
import ma.tabiblink.signaling.cluster.StateCipher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The queue of a specialty with thousands of calls waiting, through the cluster state as every node uses it: who is
 * rung, who is told that nobody can be, and which positions are told after the head call leaves.
 */
@Timeout(120)
class LongQueueTest {

    private static final String SPECIALTY = "cardiology";
    private static final long RING_MS = 60_000;
    private static final long TYPICAL_CALL_MS = 600_000;
    private static final ClusterState.QueueTimes TIMES = new ClusterState.QueueTimes(RING_MS, TYPICAL_CALL_MS);
    private static final long PRESENCE_TTL_MS = 60_000;

    static SignalingFixture fx;
    ClusterState cluster;
    Instant now;
    int requested;

    @BeforeAll
    static void start() throws Exception {
        fx = new SignalingFixture();
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    @BeforeEach
    void clean() {
        fx.flush();
        cluster = new ClusterState(fx.redis, new RedisKeys("tl:sig:"), new StateCipher(SignalingFixture.STATE_KEY));
        now = Instant.now();
        requested = 0;
    }

    @Test
    void afterTheHeadCallLeavesEveryNurseIsToldHerNewPositionAndNothingElse() {
        specialist("dr.busy1", PresenceStatus.AWAY);
        specialist("dr.busy2", PresenceStatus.AWAY);
        int queued = 3000;
        List<String> calls = new ArrayList<>();
        Map<String, Integer> told = new HashMap<>();
        int noSpecialist = 0;
        for (int i = 0; i < queued; i++) {
            Requested r = request();
            String callId = r.callId();
            calls.add(callId);
            ClusterState.Dispatch d = r.dispatch();
            assertThat(d.rings()).isEmpty();
            assertThat(d.positions()).extracting(ClusterState.Position::callId).containsExactly(callId);
            assertThat(d.positions().get(0).position()).isEqualTo(i + 1);
            // 2 specialists connected, none free, a 10-minute call: (position - 0) × 600 s ÷ 2
            assertThat(d.positions().get(0).estimatedWaitSeconds()).isEqualTo((i + 1) * 300L);
            noSpecialist += d.unserved().size();
            told.put(callId, i + 1);
        }
        assertThat(noSpecialist).as("each call is told once that nobody can be rung").isEqualTo(queued);

        // The head call leaves, again and again: after d have left, call i (from 0) stands at i - d + 1.
        int cycle = (queued - 20 + 29) / 30;
        for (int d = 1; d <= cycle; d++) {
            cluster.end(calls.get(d - 1), null, "cancelled", now, 60_000);
            ClusterState.Dispatch after = dispatch();
            assertThat(after.rings()).isEmpty();
            assertThat(after.unserved()).as("nobody is told twice that no specialist can be rung").isEmpty();
            assertThat(after.positions()).extracting(ClusterState.Position::callId)
                    .as("the calls near the head hear at once").containsAll(calls.subList(d, d + 20));
            assertThat(after.positions().size()).as("a dispatch tells a bounded number of positions")
                    .isLessThanOrEqualTo(50);
            for (ClusterState.Position p : after.positions()) {
                int index = calls.indexOf(p.callId());
                assertThat(p.position()).as("position of %s", p.callId()).isEqualTo(index - d + 1);
                assertThat(told.get(p.callId())).as("only a position that changed is told").isNotEqualTo(p.position());
                assertThat(p.estimatedWaitSeconds()).isEqualTo(p.position() * 300L);
                told.put(p.callId(), p.position());
            }
            assertThat(told.get(calls.get(d + 9))).as("the nurse at position 10").isEqualTo(10);
        }
        for (int i = cycle; i < queued; i++) {
            int position = i - cycle + 1;
            assertThat(told.get(calls.get(i))).as("call %d, at position %d now", i, position)
                    .isLessThan(i + 1).isGreaterThanOrEqualTo(position);
        }
        assertThat(told.get(calls.get(1999))).isLessThan(2000);
        assertThat(dispatch().positions()).as("nothing moved since").isEmpty();
    }

    @Test
    void whileCallsJoinAsFastAsTheyLeaveEveryNurseFarBackStillHearsHerPositionInTurn() {
        specialist("dr.busy1", PresenceStatus.AWAY);
        specialist("dr.busy2", PresenceStatus.AWAY);
        int queued = 500;
        List<String> calls = new ArrayList<>();
        Map<String, Integer> toldAt = new HashMap<>();
        for (int i = 0; i < queued; i++) {
            calls.add(request().callId());
            toldAt.put(calls.get(i), 0);
        }
        // Calls the cursor goes round (all but the 20 at the head), 30 each time a call leaves.
        int round = (queued - 20 + 29) / 30;
        for (int d = 1; d <= 3 * round; d++) {
            cluster.end(calls.get(d - 1), null, "cancelled", now, 60_000);
            Requested joined = request();
            calls.add(joined.callId());
            List<ClusterState.Position> positions = joined.dispatch().positions();
            assertThat(positions.size()).as("the new call, the head and the calls in turn").isLessThanOrEqualTo(51);
            for (ClusterState.Position p : positions) {
                assertThat(p.position()).as("position of %s", p.callId()).isEqualTo(calls.indexOf(p.callId()) - d + 1);
                toldAt.put(p.callId(), d);
            }
            for (String waiting : calls.subList(d, calls.size())) {
                assertThat(d - toldAt.get(waiting)).as("departures since %s last heard her position", waiting)
                        .isLessThanOrEqualTo(round + 1);
            }
        }
    }

    @Test
    void withThousandsQueuedTheHeadCallsRingTheLongestIdleWhoDidNotDeclineThem() {
        specialist("dr.a", PresenceStatus.AVAILABLE);
        List<String> calls = new ArrayList<>();
        Requested head = request();
        calls.add(head.callId());
        ClusterState.Dispatch first = head.dispatch();
        assertThat(rang(first)).containsExactly(calls.get(0) + " -> dr.a");
        ClusterState.Ring ring = first.rings().get(0);
        assertThat(ring.call().state()).as("the call as stored once ringing").isEqualTo(CallState.RINGING);
        assertThat(ring.call().nurseSessionId()).isEqualTo("s-n0");
        assertThat(ring.specialistName()).isEqualTo("dr.a");
        assertThat(ring.specialistSessions()).containsExactly("s-dr.a");
        assertThat(first.queueLength()).isEqualTo(1);
        for (int i = 1; i < 2000; i++) {
            Requested r = request();
            calls.add(r.callId());
            assertThat(r.dispatch().unserved()).extracting(ClusterState.Unserved::callId)
                    .containsExactly(calls.get(i));
            assertThat(r.dispatch().queueLength()).isEqualTo(i + 1);
        }
        now = now.plusSeconds(1);
        cluster.decline(calls.get(0), "dr.a", now);
        now = now.plusSeconds(1);
        specialist("dr.b", PresenceStatus.AVAILABLE);
        now = now.plusSeconds(1);
        specialist("dr.c", PresenceStatus.AVAILABLE);
        now = now.plusSeconds(1);

        ClusterState.Dispatch d = dispatch();
        assertThat(rang(d)).containsExactly(calls.get(0) + " -> dr.b", calls.get(1) + " -> dr.a",
                calls.get(2) + " -> dr.c");
        assertThat(d.unserved()).isEmpty();
        assertThat(dispatch().rings()).as("nobody is rung twice").isEmpty();

        ClusterState.Accepted accepted = cluster.accept(calls.get(1), identity("dr.a"), "s-dr.a", now, TIMES);
        assertThat(accepted.call().state()).isEqualTo(CallState.ACTIVE);
        assertThat(accepted.call().specialistSessionId()).isEqualTo("s-dr.a");
        assertThat(accepted.specialistSessions()).containsExactly("s-dr.a");
        ClusterState.Dispatch afterAccept = accepted.dispatch();
        assertThat(afterAccept.rings()).isEmpty();
        // 3 specialists connected, none free, a 10-minute call: position × 600 s ÷ 3
        assertThat(afterAccept.positions()).contains(
                new ClusterState.Position(calls.get(3), "s-n3", 3, 600),
                new ClusterState.Position(calls.get(4), "s-n4", 4, 800));
        assertThat(afterAccept.positions()).extracting(ClusterState.Position::callId)
                .as("the calls being rung hear the ring, not that they moved up")
                .doesNotContain(calls.get(0), calls.get(2));

        now = now.plusSeconds(1);
        cluster.decline(calls.get(2), "dr.c", now);
        // dr.c, who declined it, is free again: (2 − 1 free) × 600 s ÷ 3
        assertThat(dispatch().positions()).as("a call whose ring failed hears where it stands again")
                .contains(new ClusterState.Position(calls.get(2), "s-n2", 2, 200));
    }

    @Test
    void waitEstimatesCountTheSpecialistsConnectedNow() {
        specialist("dr.busy1", PresenceStatus.AWAY);
        specialist("dr.busy2", PresenceStatus.AWAY);
        assertThat(request().dispatch().positions().get(0).estimatedWaitSeconds()).isEqualTo(300);
        cluster.drop("s-dr.busy2");
        assertThat(request().dispatch().positions().get(0).estimatedWaitSeconds()).as("position 2 × 600 s ÷ 1").isEqualTo(1200);
        cluster.park("s-dr.busy1", "node-1", now.plusSeconds(60), PRESENCE_TTL_MS, 0, List.of());
        assertThat(request().dispatch().positions().get(0).estimatedWaitSeconds()).as("nobody connected: as if one were")
                .isEqualTo(1800);
        cluster.claim("s-dr.busy1", "secret", "dr.busy1", "node-1", PRESENCE_TTL_MS, now);
        specialist("dr.new", PresenceStatus.AWAY);
        assertThat(request().dispatch().positions().get(0).estimatedWaitSeconds()).as("position 4 × 600 s ÷ 2").isEqualTo(1200);
    }

    @Test
    void callsQueuedByAnEarlierVersionAreRungAfterTheUpgrade() {
        String first = request().callId();
        String second = request().callId();
        // An earlier version kept only the queue itself.
        fx.redis.del("tl:sig:queue:" + SPECIALTY + ":waiting", "tl:sig:queue:" + SPECIALTY + ":fresh",
                "tl:sig:queue:" + SPECIALTY + ":indexed");
        specialist("dr.a", PresenceStatus.AVAILABLE);
        now = now.plusSeconds(1);
        specialist("dr.b", PresenceStatus.AVAILABLE);
        assertThat(rang(dispatch())).containsExactly(first + " -> dr.a", second + " -> dr.b");
    }

    /** A call just requested, and the dispatch its request ran. */
    private record Requested(String callId, ClusterState.Dispatch dispatch) {
    }

    private Requested request() {
        String callId = "c-" + requested;
        String nurse = "n" + requested;
        requested++;
        return new Requested(callId, cluster.request(new ClusterState.UrgentRequest(callId, nurse, "s-" + nurse,
                SPECIALTY, "pat-1", "", "Nurse", "disp-tinghir", "Tinghir"), now, 5, TIMES));
    }

    private ClusterState.Dispatch dispatch() {
        return cluster.dispatch(SPECIALTY, now, TIMES);
    }

    /** Who was rung for which call, as "call -> specialist". */
    private static List<String> rang(ClusterState.Dispatch d) {
        return d.rings().stream().map(r -> r.callId() + " -> " + r.specialistId()).toList();
    }

    private void specialist(String id, PresenceStatus status) {
        cluster.register("s-" + id, identity(id), "node-1", "secret", 5, PRESENCE_TTL_MS);
        cluster.setPresence(id, status, now, PRESENCE_TTL_MS);
    }

    private static Identity identity(String id) {
        return new Identity(id, id, Role.SPECIALIST, null, null, Set.of(SPECIALTY),
                Instant.now().plus(Duration.ofHours(1)));
    }
}
