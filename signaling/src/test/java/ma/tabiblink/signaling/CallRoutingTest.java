package ma.tabiblink.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import ma.tabiblink.signaling.event.SignalingEvent;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class CallRoutingTest {

    /** Longer than any test takes: a ring only times out when a test moves the clock past it. */
    static final Duration RING_TIMEOUT = Duration.ofMinutes(1);

    static SignalingFixture fx;
    static int port;
    static SignalingServer server;

    @BeforeAll
    static void start() throws Exception {
        fx = new SignalingFixture();
        server = fx.start(b -> b.nodeId("routing").ringTimeout(RING_TIMEOUT));
        port = server.boundPort();
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    @BeforeEach
    void clean() {
        fx.flush();
    }

    static TestClient specialistAvailable(String id, String... specialties) {
        TestClient c = TestClient.connect(port, fx.tokens.specialist(id, specialties));
        c.await("welcome");
        c.send("presence.set", "status", "available");
        assertThat(c.await("presence").path("status").asText()).isEqualTo("available");
        return c;
    }

    static TestClient nurse(String id) {
        TestClient c = TestClient.connect(port, fx.tokens.nurse(id, "disp-tinghir"));
        c.await("welcome");
        return c;
    }

    @Test
    void urgentCallIsQueuedRungAcceptedRelayedAndHungUpForBoth() {
        try (TestClient doctor = specialistAvailable("dr.cardio", "cardiology");
             TestClient nurse = nurse("nurse1")) {
            String req = nurse.send("call.request", "specialty", "cardiology", "patientRef", "pat-123",
                    "reason", "chest pain");
            JsonNode queued = nurse.await("call.queued");
            assertThat(queued.path("re").asText()).isEqualTo(req);
            assertThat(queued.path("position").asInt()).isEqualTo(1);
            String callId = queued.path("callId").asText();

            JsonNode incoming = doctor.await("call.incoming");
            assertThat(incoming.path("callId").asText()).isEqualTo(callId);
            assertThat(incoming.path("patientRef").asText()).isEqualTo("pat-123");
            assertThat(incoming.path("from").path("id").asText()).isEqualTo("nurse1");
            assertThat(nurse.await("call.ringing").path("specialist").path("id").asText()).isEqualTo("dr.cardio");

            doctor.send("call.accept", "callId", callId);
            JsonNode nurseAccepted = nurse.await("call.accepted");
            JsonNode doctorAccepted = doctor.await("call.accepted");
            assertThat(nurseAccepted.path("role").asText()).isEqualTo("offerer");
            assertThat(doctorAccepted.path("role").asText()).isEqualTo("answerer");
            assertThat(nurseAccepted.path("peer").path("id").asText()).isEqualTo("dr.cardio");
            assertThat(nurseAccepted.path("media").path("mode").asText()).isEqualTo("p2p");
            assertThat(nurseAccepted.path("media").path("iceServers").get(0).path("urls").get(0).asText())
                    .startsWith("stun:");
            assertThat(server.view().callsInProgress()).isEqualTo(1);
            assertThat(server.view().specialists()).anySatisfy(p -> {
                assertThat(p.userId()).isEqualTo("dr.cardio");
                assertThat(p.status()).isEqualTo("busy");
            });

            nurse.send("sdp.offer", "callId", callId, "sdp", "v=0 offer");
            JsonNode offer = doctor.await("sdp.offer");
            assertThat(offer.path("sdp").asText()).isEqualTo("v=0 offer");
            assertThat(offer.path("from").asText()).isEqualTo("nurse1");
            assertThat(offer.has("seq")).isTrue();
            doctor.send("sdp.answer", "callId", callId, "sdp", "v=0 answer");
            assertThat(nurse.await("sdp.answer").path("sdp").asText()).isEqualTo("v=0 answer");
            nurse.send("ice.candidate", "callId", callId, "candidate",
                    Map.of("candidate", "candidate:1 1 udp 1 10.0.0.1 5000 typ host", "sdpMid", "0",
                            "sdpMLineIndex", 0));
            assertThat(doctor.await("ice.candidate").path("candidate").path("sdpMid").asText()).isEqualTo("0");
            nurse.sendRaw("{\"type\":\"ice.candidate\",\"callId\":\"" + callId + "\",\"candidate\":null}");
            JsonNode end = doctor.await("ice.candidate");
            assertThat(end.has("candidate")).isTrue();
            assertThat(end.path("candidate").isNull()).isTrue();
            doctor.send("call.media", "callId", callId, "audioOnly", true, "reason", "poor-network");
            assertThat(nurse.await("call.media").path("audioOnly").asBoolean()).isTrue();
            nurse.send("call.quality", "callId", callId, "grade", "fair", "lossPercent", 2.5, "mos", 3.6, "jitterMs", 18);
            JsonNode quality = doctor.await("call.quality");
            assertThat(quality.path("grade").asText()).isEqualTo("fair");
            assertThat(quality.path("lossPercent").asDouble()).isEqualTo(2.5);
            assertThat(quality.path("mos").asDouble()).isEqualTo(3.6);
            assertThat(quality.path("from").asText()).isEqualTo("nurse1");
            String excellent = nurse.send("call.quality", "callId", callId, "grade", "excellent");
            JsonNode refused = nurse.await("error");
            assertThat(refused.path("re").asText()).isEqualTo(excellent);
            assertThat(refused.path("code").asText()).isEqualTo("INVALID_MESSAGE");
            nurse.send("call.quality", "callId", callId, "grade", "poor", "lossPercent", 140);
            assertThat(nurse.await("error").path("message").asText()).contains("lossPercent");

            String hang = doctor.send("call.hangup", "callId", callId, "reason", "completed");
            JsonNode doctorEnded = doctor.await("call.ended");
            assertThat(doctorEnded.path("re").asText()).isEqualTo(hang);
            JsonNode nurseEnded = nurse.await("call.ended");
            assertThat(nurseEnded.path("reason").asText()).isEqualTo("completed");
            assertThat(nurseEnded.path("by").asText()).isEqualTo("dr.cardio");
            assertThat(server.view().callsInProgress()).isZero();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> fx.events.stream()
                    .anyMatch(e -> e instanceof SignalingEvent.CallEnded x && x.callId().equals(callId)));
            assertThat(fx.events).anyMatch(e -> e instanceof SignalingEvent.CallRequested r
                    && r.callId().equals(callId) && r.specialty().equals("cardiology"));
            assertThat(fx.events).anyMatch(e -> e instanceof SignalingEvent.CallRinging r
                    && r.callId().equals(callId) && r.specialistId().equals("dr.cardio"));
            assertThat(fx.events).anyMatch(e -> e instanceof SignalingEvent.CallAccepted a && a.callId().equals(callId));
            assertThat(fx.events).anyMatch(e -> e instanceof SignalingEvent.PresenceChanged p
                    && p.userId().equals("dr.cardio") && p.status().equals("busy"));
            assertThat(fx.events).anyMatch(e -> e instanceof SignalingEvent.QueueChanged q
                    && q.specialty().equals("cardiology"));

            nurse.send("sdp.offer", "callId", callId, "sdp", "late");
            assertThat(nurse.await("error").path("code").asText()).isEqualTo("CALL_ENDED");
        }
    }

    @Test
    void anIceCandidateReachesThePeerAsTheFourBrowserFieldsAndNothingElse() {
        try (TestClient doctor = specialistAvailable("dr.cardio", "cardiology");
             TestClient nurse = nurse("nurse1")) {
            nurse.send("call.request", "specialty", "cardiology", "patientRef", "pat-9");
            String callId = doctor.await("call.incoming").path("callId").asText();
            doctor.send("call.accept", "callId", callId);
            nurse.await("call.accepted");

            nurse.sendRaw("{\"type\":\"ice.candidate\",\"callId\":\"" + callId + "\",\"candidate\":{\"candidate\":"
                    + "\"candidate:1 1 udp 2122260223 10.0.0.5 51234 typ host\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0,"
                    + "\"usernameFragment\":\"u1\",\"script\":{\"nested\":[1,2,3]}}}");
            JsonNode relayed = doctor.await("ice.candidate").path("candidate");
            assertThat(relayed.path("candidate").asText()).startsWith("candidate:1 1 udp");
            assertThat(relayed.path("sdpMid").asText()).isEqualTo("0");
            assertThat(relayed.path("sdpMLineIndex").asInt()).isZero();
            assertThat(relayed.path("usernameFragment").asText()).isEqualTo("u1");
            assertThat(relayed.has("script")).isFalse();

            for (String bad : new String[] {"", ",\"candidate\":\"candidate:1\"", ",\"candidate\":{\"sdpMid\":\"0\"}"}) {
                nurse.sendRaw("{\"type\":\"ice.candidate\",\"id\":\"bad\",\"callId\":\"" + callId + "\"" + bad + "}");
                JsonNode error = nurse.await("error");
                assertThat(error.path("code").asText()).as(bad).isEqualTo("INVALID_MESSAGE");
                assertThat(error.path("re").asText()).isEqualTo("bad");
                assertThat(error.path("message").asText()).as(bad).contains("candidate");
            }
            assertThat(doctor.receives("ice.candidate", Duration.ofMillis(200))).isFalse();
        }
    }

    @Test
    void messagesSentWithoutWaitingAreHandledAndDeliveredInTheOrderSent() {
        int candidates = 30; // the doctor's 1 + 30 + 3 x 30 messages stay within the default burst of 100
        try (TestClient doctor = specialistAvailable("dr.cardio", "cardiology");
             TestClient nurse = nurse("nurse1")) {
            nurse.send("call.request", "specialty", "cardiology", "patientRef", "pat-123");
            String callId = doctor.await("call.incoming").path("callId").asText();

            // the candidates follow the accept at once: each must wait for the accept, none may overtake another,
            // and each side's own replies (pongs, which carry no seq) interleave with what its peer relays without
            // breaking its sequence
            doctor.send("call.accept", "callId", callId);
            for (int i = 0; i < candidates; i++) {
                doctor.send("ice.candidate", "callId", callId, "candidate", Map.of("candidate", "d" + i));
            }
            nurse.await("call.accepted");
            for (int i = 0; i < candidates; i++) {
                nurse.send("ping");
                nurse.send("ice.candidate", "callId", callId, "candidate", Map.of("candidate", "n" + i));
                doctor.send("ping");
                doctor.send("ice.candidate", "callId", callId, "candidate", Map.of("candidate", "d" + (candidates + i)));
            }
            for (int i = 0; i < 2 * candidates; i++) {
                assertThat(nurse.await("ice.candidate").path("candidate").path("candidate").asText()).isEqualTo("d" + i);
            }
            for (int i = 0; i < candidates; i++) {
                assertThat(doctor.await("ice.candidate").path("candidate").path("candidate").asText())
                        .isEqualTo("n" + i);
            }
            for (TestClient c : new TestClient[] {doctor, nurse}) {
                for (int i = 0; i < candidates; i++) {
                    c.await("pong");
                }
                long expected = 1;
                for (JsonNode m : c.all()) {
                    if (m.path("type").asText().equals("pong")) {
                        assertThat(m.has("seq")).as("pong %s", m).isFalse();
                        continue;
                    }
                    assertThat(m.path("seq").asLong()).as("sequence of %s", m).isEqualTo(expected++);
                    assertThat(m.path("type").asText()).isNotEqualTo("error");
                }
            }
        }
    }

    @Test
    void queuePositionsMoveAsCallsAreTakenAndNurseMayCancel() {
        try (TestClient n1 = nurse("nurse1"); TestClient n2 = nurse("nurse2"); TestClient n3 = nurse("nurse3")) {
            n1.send("call.request", "specialty", "paediatrics", "patientRef", "p1");
            String c1 = n1.await("call.queued").path("callId").asText();
            assertThat(n1.await("call.noSpecialist").path("callId").asText()).isEqualTo(c1);
            n2.send("call.request", "specialty", "paediatrics", "patientRef", "p2");
            assertThat(n2.await("call.queued").path("position").asInt()).isEqualTo(2);
            n3.send("call.request", "specialty", "paediatrics", "patientRef", "p3");
            JsonNode q3 = n3.await("call.queued");
            assertThat(q3.path("position").asInt()).isEqualTo(3);
            assertThat(q3.path("estimatedWaitSeconds").asLong()).isPositive();
            assertThat(server.view().queues()).anySatisfy(q -> {
                assertThat(q.specialty()).isEqualTo("paediatrics");
                assertThat(q.length()).isEqualTo(3);
            });

            String cancel = n1.send("call.cancel", "callId", c1);
            JsonNode ended = n1.await("call.ended");
            assertThat(ended.path("re").asText()).isEqualTo(cancel);
            assertThat(ended.path("reason").asText()).isEqualTo("cancelled");
            assertThat(n2.await("queue.update").path("position").asInt()).isEqualTo(1);
            assertThat(n3.await("queue.update").path("position").asInt()).isEqualTo(2);

            try (TestClient doctor = specialistAvailable("dr.pedia", "paediatrics")) {
                String c2 = doctor.await("call.incoming").path("callId").asText();
                doctor.send("call.accept", "callId", c2);
                n2.await("call.accepted");
                assertThat(n3.await("queue.update").path("position").asInt()).isEqualTo(1);
            }
        }
    }

    @Test
    void specialistIdleLongestIsRungFirst() {
        try (TestClient first = specialistAvailable("dr.first", "dermatology")) {
            fx.clock.advance(Duration.ofSeconds(1));
            try (TestClient second = specialistAvailable("dr.second", "dermatology");
                 TestClient nurse = nurse("nurse1")) {
                nurse.send("call.request", "specialty", "dermatology", "patientRef", "p1");
                assertThat(nurse.await("call.ringing").path("specialist").path("id").asText()).isEqualTo("dr.first");
                assertThat(first.receives("call.incoming", Duration.ofSeconds(2))).isTrue();
                assertThat(second.receives("call.incoming", Duration.ofMillis(300))).isFalse();
            }
        }
    }

    @Test
    void declinedCallRingsTheNextSpecialistAndUnansweredRingTimesOut() {
        try (TestClient a = specialistAvailable("dr.a", "ent")) {
            fx.clock.advance(Duration.ofSeconds(1));
            try (TestClient b = specialistAvailable("dr.b", "ent");
                 TestClient nurse = nurse("nurse1")) {
                nurse.send("call.request", "specialty", "ent", "patientRef", "p1");
                String callId = a.await("call.incoming").path("callId").asText();
                String decline = a.send("call.decline", "callId", callId);
                assertThat(a.await("call.ringCancelled").path("re").asText()).isEqualTo(decline);
                assertThat(b.await("call.incoming").path("callId").asText()).isEqualTo(callId);
                assertThat(nurse.await(m -> "call.ringing".equals(m.path("type").asText())
                        && "dr.b".equals(m.path("specialist").path("id").asText()), "ringing dr.b")).isNotNull();
                // dr.b never answers: the ring times out and, with everyone having refused, the nurse is told
                assertThat(b.receives("call.ringCancelled", Duration.ofMillis(300))).isFalse();
                fx.clock.advance(RING_TIMEOUT);
                assertThat(b.await("call.ringCancelled").path("callId").asText()).isEqualTo(callId);
                assertThat(nurse.await("call.noSpecialist").path("callId").asText()).isEqualTo(callId);
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> fx.events.stream()
                        .anyMatch(e -> e instanceof SignalingEvent.RingTimedOut t && t.callId().equals(callId)));
                assertThat(fx.events).anyMatch(e -> e instanceof SignalingEvent.CallDeclined d
                        && d.callId().equals(callId));
            }
        }
    }

    @Test
    void dermatologistCannotAcceptACardiologyCall() {
        try (TestClient derm = specialistAvailable("dr.derm", "dermatology");
             TestClient nurse = nurse("nurse1")) {
            nurse.send("call.request", "specialty", "cardiology", "patientRef", "p1");
            String callId = nurse.await("call.queued").path("callId").asText();
            assertThat(derm.receives("call.incoming", Duration.ofMillis(300))).isFalse();
            String accept = derm.send("call.accept", "callId", callId);
            JsonNode error = derm.await("error");
            assertThat(error.path("re").asText()).isEqualTo(accept);
            assertThat(error.path("code").asText()).isEqualTo("SPECIALTY_NOT_ALLOWED");
        }
    }

    @Test
    void aThirdConnectionCannotInjectIntoACall() {
        try (TestClient doctor = specialistAvailable("dr.cardio", "cardiology");
             TestClient nurse = nurse("nurse1");
             TestClient intruder = nurse("nurse2")) {
            nurse.send("call.request", "specialty", "cardiology", "patientRef", "p1");
            String callId = doctor.await("call.incoming").path("callId").asText();
            String early = nurse.send("sdp.offer", "callId", callId, "sdp", "too early");
            JsonNode notActive = nurse.await("error");
            assertThat(notActive.path("re").asText()).isEqualTo(early);
            assertThat(notActive.path("code").asText()).isEqualTo("CALL_NOT_ACTIVE");
            doctor.send("call.accept", "callId", callId);
            nurse.await("call.accepted");
            String id = intruder.send("sdp.offer", "callId", callId, "sdp", "evil");
            JsonNode error = intruder.await("error");
            assertThat(error.path("code").asText()).isEqualTo("NOT_IN_CALL");
            assertThat(error.path("re").asText()).isEqualTo(id);
            intruder.send("call.hangup", "callId", callId);
            assertThat(intruder.await("error").path("code").asText()).isEqualTo("NOT_IN_CALL");
            assertThat(doctor.receives("sdp.offer", Duration.ofMillis(300))).isFalse();
            assertThat(nurse.receives("call.ended", Duration.ofMillis(100))).isFalse();
        }
    }
}
