package ma.tabiblink.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import ma.tabiblink.signaling.auth.Identity;
import ma.tabiblink.signaling.auth.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class ResumeTest {

    /**
     * Longer than the test takes to get there, so the window only ends when the test moves the clock past it; short
     * enough that moving the clock leaves the one-minute token of another test valid.
     */
    static final Duration SHORT_WINDOW = Duration.ofSeconds(10);

    static SignalingFixture fx;
    static int longWindow;
    static int shortWindow;

    @BeforeAll
    static void start() throws Exception {
        fx = new SignalingFixture(new TestTokens(Duration.ofMinutes(10)));
        longWindow = fx.start(b -> b.nodeId("long-window").resumeWindow(Duration.ofSeconds(30))
                .tokenRefreshLead(Duration.ofSeconds(55))).boundPort();
        shortWindow = fx.start(b -> b.nodeId("short-window").resumeWindow(SHORT_WINDOW)).boundPort();
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    /** A nurse and a specialist in an established call on the given node; returns {nurse, doctor, callId}. */
    static Object[] callOn(int port, String nurseId, String doctorId) {
        TestClient doctor = TestClient.connect(port, fx.tokens.specialist(doctorId, "pulmonology"));
        doctor.await("welcome");
        doctor.send("presence.set", "status", "available");
        doctor.await("presence");
        TestClient nurse = TestClient.connect(port, fx.tokens.nurse(nurseId, "disp-azilal"));
        nurse.await("welcome");
        nurse.send("call.request", "specialty", "pulmonology", "patientRef", "p-" + nurseId);
        String callId = doctor.await("call.incoming").path("callId").asText();
        doctor.send("call.accept", "callId", callId);
        nurse.await("call.accepted");
        doctor.await("call.accepted");
        return new Object[] {nurse, doctor, callId};
    }

    static long lastSeq(TestClient c) {
        return c.all().stream().mapToLong(m -> m.path("seq").asLong()).max().orElse(0);
    }

    @Test
    void messagesSentWhileDisconnectedAreDeliveredOnceAndInOrderAfterResume() {
        Object[] call = callOn(longWindow, "nurse-r1", "dr.r1");
        TestClient nurse = (TestClient) call[0];
        TestClient doctor = (TestClient) call[1];
        String callId = (String) call[2];
        try (nurse) {
            String resumeToken = doctor.all().get(0).path("resumeToken").asText();
            nurse.send("sdp.offer", "callId", callId, "sdp", "before-drop");
            doctor.await("sdp.offer");
            long seen = lastSeq(doctor);
            doctor.drop();

            assertThat(nurse.await("peer.reconnecting").path("callId").asText()).isEqualTo(callId);
            for (int i = 1; i <= 5; i++) {
                nurse.send("ice.candidate", "callId", callId, "candidate",
                        Map.of("candidate", "candidate:" + i, "sdpMid", "0", "sdpMLineIndex", 0));
            }
            try (TestClient back = TestClient.connect(longWindow, fx.tokens.specialist("dr.r1", "pulmonology"))) {
                back.await("welcome");
                String id = back.send("session.resume", "resumeToken", resumeToken, "lastSeq", seen);
                JsonNode resumed = back.await("session.resumed");
                assertThat(resumed.path("re").asText()).isEqualTo(id);
                assertThat(resumed.path("calls").get(0).path("callId").asText()).isEqualTo(callId);
                assertThat(resumed.path("calls").get(0).path("state").asText()).isEqualTo("active");
                List<String> candidates = new ArrayList<>();
                List<Long> seqs = new ArrayList<>();
                for (int i = 1; i <= 5; i++) {
                    JsonNode c = back.await("ice.candidate");
                    candidates.add(c.path("candidate").path("candidate").asText());
                    seqs.add(c.path("seq").asLong());
                }
                assertThat(candidates).containsExactly("candidate:1", "candidate:2", "candidate:3", "candidate:4",
                        "candidate:5");
                assertThat(seqs).isSorted().doesNotHaveDuplicates().allMatch(s -> s > seen);
                assertThat(back.receives("sdp.offer", Duration.ofMillis(300))).isFalse();
                assertThat(back.receives("ice.candidate", Duration.ofMillis(100))).isFalse();

                assertThat(nurse.await("peer.back").path("callId").asText()).isEqualTo(callId);
                assertThat(nurse.await("ice.restart").path("callId").asText()).isEqualTo(callId);
                nurse.send("sdp.offer", "callId", callId, "sdp", "ice-restart-offer");
                assertThat(back.await("sdp.offer").path("sdp").asText()).isEqualTo("ice-restart-offer");
                back.send("sdp.answer", "callId", callId, "sdp", "restart-answer");
                assertThat(nurse.await("sdp.answer").path("sdp").asText()).isEqualTo("restart-answer");
            }
        }
    }

    @Test
    void aResumeWhileTheOldConnectionIsStillOpenTakesItOverAndHandlesWhatFollowsInOrder() {
        Object[] call = callOn(longWindow, "nurse-r4", "dr.r4");
        TestClient nurse = (TestClient) call[0];
        TestClient doctor = (TestClient) call[1];
        String callId = (String) call[2];
        try (nurse; doctor;
             TestClient back = TestClient.connect(longWindow, fx.tokens.specialist("dr.r4", "pulmonology"))) {
            String resumeToken = doctor.all().get(0).path("resumeToken").asText();
            back.await("welcome");
            // sent at once, without waiting for session.resumed: they must follow the resume, not overtake it
            back.send("session.resume", "resumeToken", resumeToken, "lastSeq", lastSeq(doctor));
            back.send("sdp.answer", "callId", callId, "sdp", "answer-after-resume");
            for (int i = 1; i <= 3; i++) {
                back.send("ice.candidate", "callId", callId, "candidate", Map.of("candidate", "after:" + i));
            }
            assertThat(doctor.awaitClose()).isEqualTo(4409);
            assertThat(back.await("session.resumed").path("calls").get(0).path("callId").asText()).isEqualTo(callId);
            assertThat(nurse.await("sdp.answer").path("sdp").asText()).isEqualTo("answer-after-resume");
            for (int i = 1; i <= 3; i++) {
                assertThat(nurse.await("ice.candidate").path("candidate").path("candidate").asText())
                        .isEqualTo("after:" + i);
            }
            assertThat(back.all()).noneMatch(m -> "error".equals(m.path("type").asText()));
        }
    }

    @Test
    void afterTheResumeWindowTheCallEndsForThePeerAndResumeIsRefused() {
        Object[] call = callOn(shortWindow, "nurse-r2", "dr.r2");
        TestClient nurse = (TestClient) call[0];
        TestClient doctor = (TestClient) call[1];
        String callId = (String) call[2];
        try (nurse) {
            String resumeToken = doctor.all().get(0).path("resumeToken").asText();
            doctor.drop();
            nurse.await("peer.reconnecting");
            assertThat(nurse.receives("call.ended", Duration.ofMillis(300))).isFalse();
            fx.clock.advance(SHORT_WINDOW);
            JsonNode ended = nurse.await("call.ended");
            assertThat(ended.path("callId").asText()).isEqualTo(callId);
            assertThat(ended.path("reason").asText()).isEqualTo("peer-lost");
            try (TestClient late = TestClient.connect(shortWindow, fx.tokens.specialist("dr.r2", "pulmonology"))) {
                late.await("welcome");
                late.send("session.resume", "resumeToken", resumeToken, "lastSeq", 3);
                assertThat(late.await("error").path("code").asText()).isEqualTo("RESUME_EXPIRED");
                late.send("ping");
                assertThat(late.await("pong")).isNotNull();
            }
        }
    }

    @Test
    void theHeartbeatsOfAnIdleConnectionAreNotKeptSoAResumeReplaysNothingAndReportsNoGap() {
        String resumeToken;
        long seen;
        try (TestClient nurse = TestClient.connect(longWindow, fx.tokens.nurse("nurse-r6", "disp-azilal"))) {
            resumeToken = nurse.await("welcome").path("resumeToken").asText();
            for (int i = 0; i < 90; i++) {
                nurse.send("ping");
            }
            for (int i = 0; i < 90; i++) {
                assertThat(nurse.await("pong").has("seq")).isFalse();
            }
            seen = lastSeq(nurse);
            nurse.drop();
        }
        try (TestClient back = TestClient.connect(longWindow, fx.tokens.nurse("nurse-r6", "disp-azilal"))) {
            back.await("welcome");
            back.send("session.resume", "resumeToken", resumeToken, "lastSeq", seen);
            assertThat(back.await("session.resumed").path("seq").asLong()).isEqualTo(seen + 1);
            back.send("ping");
            back.await("pong");
            assertThat(back.all()).extracting(m -> m.path("type").asText())
                    .containsExactly("welcome", "session.resumed", "pong");
        }
    }

    @Test
    void aResumeTokenOnlyWorksForItsOwnUser() {
        try (TestClient nurse = TestClient.connect(longWindow, fx.tokens.nurse("nurse-r3", "disp-azilal"));
             TestClient thief = TestClient.connect(longWindow, fx.tokens.nurse("nurse-r4", "disp-azilal"))) {
            String token = nurse.await("welcome").path("resumeToken").asText();
            thief.await("welcome");
            thief.send("session.resume", "resumeToken", token, "lastSeq", 0);
            assertThat(thief.await("error").path("code").asText()).isEqualTo("RESUME_INVALID");
            nurse.send("ping");
            assertThat(nurse.await("pong")).isNotNull();
        }
    }

    @Test
    void aFreshAccessTokenIsPushedBeforeTheCurrentOneExpires() throws Exception {
        String shortLived = fx.tokens.mint("nurse-r5", Role.NURSE, List.of(), "disp-azilal", "Azilal",
                Duration.ofSeconds(60));
        try (TestClient nurse = TestClient.connect(longWindow, shortLived)) {
            nurse.await("welcome");
            JsonNode refresh = nurse.await("token.refresh");
            Instant expiresAt = Instant.parse(refresh.path("expiresAt").asText());
            Identity who = fx.tokens.authenticate(refresh.path("accessToken").asText());
            assertThat(who.userId()).isEqualTo("nurse-r5");
            assertThat(expiresAt).isAfter(Instant.now().plusSeconds(120));
        }
    }
}
