package ma.tabiblink.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Several nodes sharing one Redis. */
@Timeout(90)
class ClusterTest {

    static SignalingFixture fx;
    static SignalingServer nodeA;
    static SignalingServer nodeB;

    @BeforeAll
    static void start() throws Exception {
        fx = new SignalingFixture();
        nodeA = fx.start(ClusterTest::clustered);
        nodeB = fx.start(ClusterTest::clustered);
    }

    static SignalingConfig.Builder clustered(SignalingConfig.Builder b) {
        return b.nodeId("node-" + java.util.UUID.randomUUID().toString().substring(0, 6))
                .nodeTimeout(Duration.ofSeconds(1)).resumeWindow(Duration.ofSeconds(20));
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    static TestClient availableSpecialist(SignalingServer node, String id, String specialty) {
        TestClient c = TestClient.connect(node.boundPort(), fx.tokens.specialist(id, specialty));
        c.await("welcome");
        c.send("presence.set", "status", "available");
        c.await("presence");
        return c;
    }

    static TestClient nurse(SignalingServer node, String id) {
        TestClient c = TestClient.connect(node.boundPort(), fx.tokens.nurse(id, "disp-tinghir"));
        c.await("welcome");
        return c;
    }

    static String establish(TestClient nurse, TestClient doctor, String specialty) {
        nurse.send("call.request", "specialty", specialty, "patientRef", "pat-x");
        String callId = doctor.await("call.incoming").path("callId").asText();
        doctor.send("call.accept", "callId", callId);
        assertThat(nurse.await("call.accepted").path("callId").asText()).isEqualTo(callId);
        assertThat(doctor.await("call.accepted").path("callId").asText()).isEqualTo(callId);
        return callId;
    }

    @Test
    void nurseAndSpecialistOnDifferentNodesCompleteACall() {
        try (TestClient doctor = availableSpecialist(nodeA, "dr.cluster1", "gynaecology-obstetrics");
             TestClient nurse = nurse(nodeB, "nurse-c1")) {
            int before = nodeA.view().callsInProgress();
            nurse.send("call.request", "specialty", "gynaecology-obstetrics", "patientRef", "pat-9");
            JsonNode queued = nurse.await("call.queued");
            String callId = queued.path("callId").asText();
            assertThat(doctor.await("call.incoming").path("callId").asText()).isEqualTo(callId);
            assertThat(nurse.await("call.ringing").path("specialist").path("id").asText()).isEqualTo("dr.cluster1");
            doctor.send("call.accept", "callId", callId);
            assertThat(nurse.await("call.accepted").path("role").asText()).isEqualTo("offerer");
            assertThat(doctor.await("call.accepted").path("role").asText()).isEqualTo("answerer");

            nurse.send("sdp.offer", "callId", callId, "sdp", "offer-across-nodes");
            assertThat(doctor.await("sdp.offer").path("sdp").asText()).isEqualTo("offer-across-nodes");
            doctor.send("sdp.answer", "callId", callId, "sdp", "answer-across-nodes");
            assertThat(nurse.await("sdp.answer").path("sdp").asText()).isEqualTo("answer-across-nodes");
            for (int i = 0; i < 3; i++) {
                doctor.send("ice.candidate", "callId", callId, "candidate",
                        Map.of("candidate", "candidate:" + i, "sdpMid", "0", "sdpMLineIndex", 0));
            }
            for (int i = 0; i < 3; i++) {
                assertThat(nurse.await("ice.candidate").path("candidate").path("candidate").asText())
                        .isEqualTo("candidate:" + i);
            }
            assertThat(nodeA.view().callsInProgress()).isEqualTo(before + 1);
            assertThat(nodeB.view().callsInProgress()).isEqualTo(before + 1);

            nurse.send("call.hangup", "callId", callId, "reason", "completed");
            assertThat(nurse.await("call.ended").path("reason").asText()).isEqualTo("completed");
            assertThat(doctor.await("call.ended").path("by").asText()).isEqualTo("nurse-c1");
            assertThat(nodeB.view().callsInProgress()).isEqualTo(before);
            doctor.send("sdp.offer", "callId", callId, "sdp", "after the end");
            assertThat(doctor.await("error").path("code").asText()).isEqualTo("CALL_ENDED");
        }
    }

    @Test
    void twoSpecialistsOnTwoNodesAcceptingTheSameCallAtOnceGetExactlyOneCall() throws Exception {
        for (int round = 0; round < 5; round++) {
            try (TestClient onA = TestClient.connect(nodeA.boundPort(), fx.tokens.specialist("dr.race-a", "ent"));
                 TestClient onB = TestClient.connect(nodeB.boundPort(), fx.tokens.specialist("dr.race-b", "ent"));
                 TestClient nurse = nurse(nodeB, "nurse-race")) {
                onA.await("welcome");
                onB.await("welcome");
                nurse.send("call.request", "specialty", "ent", "patientRef", "pat-race");
                String callId = nurse.await("call.queued").path("callId").asText();
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                Thread a = new Thread(() -> {
                    awaitLatch(go);
                    onA.send("call.accept", "callId", callId);
                });
                a.start();
                go.countDown();
                onB.send("call.accept", "callId", callId);
                a.join(TestClient.WAIT.toMillis());
                JsonNode first = onA.await(m -> m.path("type").asText().matches("call.accepted|error"), "A's answer");
                JsonNode second = onB.await(m -> m.path("type").asText().matches("call.accepted|error"), "B's answer");
                assertThat(java.util.List.of(first.path("type").asText(), second.path("type").asText()))
                        .containsExactlyInAnyOrder("call.accepted", "error");
                JsonNode error = "error".equals(first.path("type").asText()) ? first : second;
                assertThat(error.path("code").asText()).isEqualTo("CALL_TAKEN");
                assertThat(nurse.await("call.accepted").path("callId").asText()).isEqualTo(callId);
                nurse.send("call.hangup", "callId", callId);
                nurse.await("call.ended");
            }
        }
    }

    private static void awaitLatch(java.util.concurrent.CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aNodeThatCannotBindItsPortFailsToStartWithAClearMessage() {
        int taken = nodeA.boundPort();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> fx.start(b -> clustered(b).port(taken)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot listen on");
        try (TestClient c = nurse(nodeA, "nurse-c4")) {
            c.send("ping");
            assertThat(c.await("pong")).isNotNull();
        }
    }

    @Test
    void aDrainedNodeSendsItsClientsElsewhereAndTheirCallSurvives() throws Exception {
        SignalingServer leaving = fx.start(ClusterTest::clustered);
        try (TestClient doctor = availableSpecialist(nodeA, "dr.cluster2", "endocrinology")) {
            TestClient nurse = nurse(leaving, "nurse-c2");
            String token = nurse.all().get(0).path("resumeToken").asText();
            String callId = establish(nurse, doctor, "endocrinology");
            long seen = nurse.all().stream().mapToLong(m -> m.path("seq").asLong()).max().orElse(0);

            leaving.stop(Duration.ofSeconds(5));
            nurse.await("server.draining");
            assertThat(nurse.awaitClose()).isEqualTo(4503);
            assertThat(doctor.await("peer.reconnecting").path("callId").asText()).isEqualTo(callId);
            doctor.send("call.media", "callId", callId, "audioOnly", true, "reason", "poor-network");

            try (TestClient back = nurse(nodeB, "nurse-c2")) {
                back.send("session.resume", "resumeToken", token, "lastSeq", seen);
                JsonNode resumed = back.await("session.resumed");
                assertThat(resumed.path("calls").get(0).path("callId").asText()).isEqualTo(callId);
                assertThat(back.await("call.media").path("audioOnly").asBoolean()).isTrue();
                assertThat(back.await("ice.restart").path("callId").asText()).isEqualTo(callId);
                assertThat(doctor.await("peer.back").path("callId").asText()).isEqualTo(callId);
                back.send("sdp.offer", "callId", callId, "sdp", "restart");
                assertThat(doctor.await("sdp.offer").path("sdp").asText()).isEqualTo("restart");
            }
        }
    }

    @Test
    void aDeadNodeLeavesNoGhostPresenceAndItsClientsCanResumeElsewhere() throws Exception {
        SignalingServer doomed = fx.start(ClusterTest::clustered);
        try (TestClient doctor = availableSpecialist(nodeA, "dr.cluster3", "dermatology")) {
            TestClient ghost = availableSpecialist(doomed, "dr.ghost", "pulmonology");
            TestClient nurse = nurse(doomed, "nurse-c3");
            String token = nurse.all().get(0).path("resumeToken").asText();
            String callId = establish(nurse, doctor, "dermatology");
            assertThat(nodeA.view().specialists()).anyMatch(p -> p.userId().equals("dr.ghost"));

            doomed.halt();
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> nodeA.view().specialists().stream().noneMatch(p -> p.userId().equals("dr.ghost")));
            assertThat(doctor.await("peer.reconnecting").path("callId").asText()).isEqualTo(callId);

            try (TestClient back = nurse(nodeB, "nurse-c3")) {
                back.send("session.resume", "resumeToken", token, "lastSeq", 100);
                JsonNode resumed = back.await("session.resumed");
                assertThat(resumed.path("calls").get(0).path("state").asText()).isEqualTo("active");
                assertThat(doctor.await("peer.back").path("callId").asText()).isEqualTo(callId);
                doctor.send("sdp.answer", "callId", callId, "sdp", "after-crash");
                JsonNode answer = back.await("sdp.answer");
                assertThat(answer.path("sdp").asText()).isEqualTo("after-crash");
                assertThat(answer.path("seq").asLong()).isGreaterThan(100);
            }
            ghost.drop();
            nurse.drop();
        }
    }
}
