package ma.tabiblink.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;

import ma.tabiblink.signaling.event.SignalingEvent;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Redis goes away for 20 seconds under an established call, then comes back with its data (AOF). The node runs with
 * the default node timeout (15 s), so every presence expires during the outage: the node puts back the presence of
 * the specialists still connected to it, as they were.
 */
@Timeout(150)
class RedisOutageTest {

    private static final Duration OUTAGE = Duration.ofSeconds(20);
    private static final Duration RECOVERY = Duration.ofSeconds(30);

    static SignalingFixture fx;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        fx = new SignalingFixture(new TestTokens(), Files.createTempDirectory("tabib-outage"));
        port = fx.start(b -> b.nodeId("outage").nodeTimeout(SignalingConfig.DEFAULT_NODE_TIMEOUT)).boundPort();
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    @Test
    void callsKeepRelayingNewCallsFailFastAndAfterAnOutageLongerThanTheNodeTimeoutConnectedSpecialistsAreRungAgain()
            throws Exception {
        assertThat(OUTAGE).isGreaterThan(SignalingConfig.DEFAULT_NODE_TIMEOUT);
        try (TestClient doctor = TestClient.connect(port, fx.tokens.specialist("dr.cardio", "cardiology"));
             TestClient idle = TestClient.connect(port, fx.tokens.specialist("dr.cardio2", "cardiology"));
             TestClient leaver = TestClient.connect(port, fx.tokens.specialist("dr.derm", "dermatology"));
             TestClient nurse = TestClient.connect(port, fx.tokens.nurse("nurse1", "disp-tinghir"));
             TestClient otherNurse = TestClient.connect(port, fx.tokens.nurse("nurse2", "disp-azilal"))) {
            for (TestClient c : new TestClient[] {doctor, idle, leaver, nurse, otherNurse}) {
                c.await("welcome");
            }
            doctor.send("presence.set", "status", "available");
            doctor.await("presence");
            nurse.send("call.request", "specialty", "cardiology", "patientRef", "pat-1");
            String callId = nurse.await("call.queued").path("callId").asText();
            doctor.await("call.incoming");
            doctor.send("call.accept", "callId", callId);
            nurse.await("call.accepted");
            doctor.await("call.accepted");
            for (TestClient available : new TestClient[] {idle, leaver}) {
                available.send("presence.set", "status", "available");
                assertThat(available.await("presence").path("status").asText()).isEqualTo("available");
            }

            fx.redisServer.stop();
            Instant back = Instant.now().plus(OUTAGE);

            nurse.send("sdp.offer", "callId", callId, "sdp", "v=0 offer during outage");
            assertThat(doctor.await("sdp.offer").path("sdp").asText()).isEqualTo("v=0 offer during outage");
            otherNurse.send("call.request", "specialty", "cardiology", "patientRef", "pat-2");
            JsonNode refused = otherNurse.await("error");
            assertThat(refused.path("code").asText()).isEqualTo("TEMPORARILY_UNAVAILABLE");
            leaver.close();

            int relayedDuringOutage = 0;
            while (Instant.now().isBefore(back)) {
                doctor.send("ice.candidate", "callId", callId, "candidate",
                        Map.of("candidate", "candidate:" + relayedDuringOutage + " 1 udp 1 10.0.0.1 5000 typ host",
                                "sdpMid", "0", "sdpMLineIndex", 0));
                assertThat(nurse.await("ice.candidate").path("candidate").path("candidate").asText())
                        .startsWith("candidate:" + relayedDuringOutage + " ");
                relayedDuringOutage++;
                Thread.sleep(500);
            }
            assertThat(relayedDuringOutage).isGreaterThan(10);

            Instant restarted = Instant.now();
            fx.redisServer.start();

            String queuedCall = request(otherNurse, "cardiology", "pat-2");
            assertThat(idle.await("call.incoming").path("callId").asText())
                    .as("the specialist who was available before the outage is rung without doing anything")
                    .isEqualTo(queuedCall);
            // events are delivered on another thread: the ring may reach the client before the event is listed
            long eventDeadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < eventDeadline && fx.events.stream().noneMatch(e ->
                    e instanceof SignalingEvent.PresenceChanged p && p.userId().equals("dr.cardio2")
                            && "available".equals(String.valueOf(p.status())) && p.at().isAfter(restarted))) {
                Thread.sleep(20);
            }
            assertThat(fx.events).anySatisfy(e -> {
                assertThat(e).isInstanceOfSatisfying(SignalingEvent.PresenceChanged.class, p -> {
                    assertThat(p.userId()).isEqualTo("dr.cardio2");
                    assertThat(p.status()).isEqualTo("available");
                    assertThat(p.at()).isAfter(restarted);
                });
            });
            assertThat(query(() -> fx.redis.hget("tl:sig:presence:dr.cardio", "call")))
                    .as("the specialist in a call came back busy").isEqualTo(callId);
            assertThat(query(() -> fx.redis.exists("tl:sig:presence:dr.derm")))
                    .as("the specialist who left during the outage did not come back").isFalse();
            idle.send("call.accept", "callId", queuedCall);
            idle.await("call.accepted");

            String waiting = request(otherNurse, "cardiology", "pat-3");
            assertThat(doctor.receives("call.incoming", Duration.ofSeconds(1)))
                    .as("a busy specialist is not rung").isFalse();

            doctor.send("sdp.answer", "callId", callId, "sdp", "v=0 answer after outage");
            assertThat(nurse.await("sdp.answer").path("sdp").asText()).isEqualTo("v=0 answer after outage");
            doctor.send("call.hangup", "callId", callId, "reason", "completed");
            assertThat(nurse.await("call.ended").path("reason").asText()).isEqualTo("completed");
            assertThat(doctor.await("call.incoming").path("callId").asText())
                    .as("the freed specialist is rung for the call that was waiting")
                    .isEqualTo(waiting);
        }
    }

    @Test
    void nodesThatAllLostRedisForLongerThanTheNodeTimeoutDoNotDeclareEachOtherDeadWhenItReturns() throws Exception {
        Duration nodeTimeout = Duration.ofSeconds(1);
        SignalingServer a = fx.start(c -> c.nodeId("outage-a").nodeTimeout(nodeTimeout));
        SignalingServer b = fx.start(c -> c.nodeId("outage-b").nodeTimeout(nodeTimeout));
        try (TestClient doctor = TestClient.connect(a.boundPort(), fx.tokens.specialist("dr.pedia", "paediatrics"));
             TestClient nurse = TestClient.connect(b.boundPort(), fx.tokens.nurse("nurse3", "disp-tata"))) {
            String doctorSession = doctor.await("welcome").path("sessionId").asText();
            String nurseSession = nurse.await("welcome").path("sessionId").asText();
            doctor.send("presence.set", "status", "available");
            doctor.await("presence");
            nurse.send("call.request", "specialty", "paediatrics", "patientRef", "pat-4");
            String callId = nurse.await("call.queued").path("callId").asText();
            doctor.await("call.incoming");
            doctor.send("call.accept", "callId", callId);
            nurse.await("call.accepted");

            fx.redisServer.stop();
            Thread.sleep(nodeTimeout.multipliedBy(3).toMillis());
            fx.redisServer.start();

            Instant deadline = Instant.now().plus(RECOVERY);
            while (query(() -> fx.redis.zscore("tl:sig:nodes", "outage-a")) == null
                    || query(() -> fx.redis.zscore("tl:sig:nodes", "outage-b")) == null) {
                assertThat(Instant.now()).as("both nodes beat again").isBefore(deadline);
                Thread.sleep(100);
            }
            Thread.sleep(nodeTimeout.multipliedBy(3).toMillis());
            assertThat(query(() -> fx.redis.zscore("tl:sig:nodes", "outage-a"))).isNotNull();
            assertThat(query(() -> fx.redis.zscore("tl:sig:nodes", "outage-b"))).isNotNull();
            assertThat(query(() -> fx.redis.hget("tl:sig:sess:" + doctorSession, "state"))).isEqualTo("live");
            assertThat(query(() -> fx.redis.hget("tl:sig:sess:" + nurseSession, "state"))).isEqualTo("live");
            assertThat(doctor.receives("peer.reconnecting", Duration.ofMillis(200))).isFalse();
            assertThat(nurse.receives("peer.reconnecting", Duration.ofMillis(200))).isFalse();

            doctor.send("sdp.offer", "callId", callId, "sdp", "v=0 across nodes after outage");
            assertThat(nurse.await("sdp.offer").path("sdp").asText()).isEqualTo("v=0 across nodes after outage");
            doctor.send("call.hangup", "callId", callId, "reason", "completed");
            assertThat(nurse.await("call.ended").path("reason").asText()).isEqualTo("completed");
        } finally {
            a.stop(Duration.ofMillis(200));
            b.stop(Duration.ofMillis(200));
        }
    }

    /** Reads Redis from the test, past the connections of the test's own pool that the restart broke. */
    private static <T> T query(Supplier<T> read) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return read.get();
            } catch (JedisConnectionException e) {
                if (attempt == 20) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    /** Asks for a call until Redis answers again; every refusal meanwhile is the coded temporary one. */
    private static String request(TestClient nurse, String specialty, String patientRef) throws InterruptedException {
        Instant deadline = Instant.now().plus(RECOVERY);
        while (Instant.now().isBefore(deadline)) {
            nurse.send("call.request", "specialty", specialty, "patientRef", patientRef);
            JsonNode answer = nurse.await(m -> "call.queued".equals(m.path("type").asText())
                    || "error".equals(m.path("type").asText()), "call.queued or error");
            if ("call.queued".equals(answer.path("type").asText())) {
                return answer.path("callId").asText();
            }
            assertThat(answer.path("code").asText()).isEqualTo("TEMPORARILY_UNAVAILABLE");
            Thread.sleep(500);
        }
        throw new AssertionError("no call was queued within " + RECOVERY + " of Redis coming back");
    }
}
