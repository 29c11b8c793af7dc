package ma.tabiblink.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import ma.tabiblink.signaling.auth.SessionEnd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A connection lives no longer than the sign-in session and the account behind its token. */
@Timeout(60)
class SessionLifetimeTest {

    static SignalingFixture fx;
    static SignalingServer nodeA;
    static SignalingServer nodeB;

    @BeforeAll
    static void start() throws Exception {
        fx = new SignalingFixture(new TestTokens());
        nodeA = fx.start(b -> b.nodeId("lifetime-a").resumeWindow(Duration.ofSeconds(30)));
        nodeB = fx.start(b -> b.nodeId("lifetime-b").resumeWindow(Duration.ofSeconds(30)));
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    /** A specialist on node A in an established call with the nurse connected (on node B) with the given token. */
    static TestClient[] callWith(String nurseToken, String doctorId) {
        TestClient doctor = TestClient.connect(nodeA.boundPort(), fx.tokens.specialist(doctorId, "endocrinology"));
        doctor.await("welcome");
        doctor.send("presence.set", "status", "available");
        doctor.await("presence");
        TestClient nurse = TestClient.connect(nodeB.boundPort(), nurseToken);
        nurse.await("welcome");
        nurse.send("call.request", "specialty", "endocrinology", "patientRef", "p-" + doctorId);
        String callId = doctor.await("call.incoming").path("callId").asText();
        doctor.send("call.accept", "callId", callId);
        nurse.await("call.accepted");
        doctor.await("call.accepted");
        return new TestClient[] {nurse, doctor};
    }

    @Test
    void aDisabledAccountFoundAtRefreshIsCutOffWith4410AndItsCallEnds() {
        TestClient[] call = callWith(fx.tokens.nurse("nurse-l1", "signin-l1", Duration.ofSeconds(20)), "dr.l1");
        try (TestClient nurse = call[0]; TestClient doctor = call[1]) {
            fx.tokens.endSession("nurse-l1", SessionEnd.ACCOUNT_DISABLED);
            // a 20 s token is refreshed a second after connecting: the refresher says the account is disabled
            JsonNode error = nurse.await("error");
            assertThat(error.path("code").asText()).isEqualTo("ACCOUNT_DISABLED");
            assertThat(nurse.awaitClose()).isEqualTo(4410);
            JsonNode ended = doctor.await("call.ended");
            assertThat(ended.path("reason").asText()).isEqualTo("session-ended");
            assertThat(ended.path("by").asText()).isEqualTo("nurse-l1");
        }
    }

    @Test
    void endingASignInSessionClosesItsConnectionsAtOnceAndLeavesTheUsersOtherSignInsOpen() {
        TestClient[] call = callWith(fx.tokens.nurse("nurse-l2", "signin-l2-tablet", Duration.ofMinutes(15)), "dr.l2");
        try (TestClient tablet = call[0]; TestClient doctor = call[1];
             TestClient desktop = TestClient.connect(nodeA.boundPort(),
                     fx.tokens.nurse("nurse-l2", "signin-l2-desktop", Duration.ofMinutes(15)))) {
            desktop.await("welcome");
            long started = System.nanoTime();
            nodeA.endSessions("nurse-l2", "signin-l2-tablet", SessionEnd.SIGNED_OUT);
            nodeB.endSessions("nurse-l2", "signin-l2-tablet", SessionEnd.SIGNED_OUT);
            assertThat(tablet.await("error").path("code").asText()).isEqualTo("SESSION_ENDED");
            assertThat(tablet.awaitClose()).isEqualTo(4410);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
            assertThat(doctor.await("call.ended").path("reason").asText()).isEqualTo("session-ended");

            desktop.send("ping");
            assertThat(desktop.await("pong")).isNotNull();
            nodeA.endSessions("nurse-l2", null, SessionEnd.ACCOUNT_CHANGED);
            assertThat(desktop.await("error").path("code").asText()).isEqualTo("ACCOUNT_CHANGED");
            assertThat(desktop.awaitClose()).isEqualTo(4410);
        }
    }

    @Test
    void aTokenThatCannotBeRefreshedEndsItsConnectionWhenItExpiresAndTheCallCanBeResumed() {
        fx.tokens.unrefreshable("nurse-l3");
        TestClient[] call = callWith(fx.tokens.nurse("nurse-l3", null, Duration.ofSeconds(3)), "dr.l3");
        try (TestClient nurse = call[0]; TestClient doctor = call[1]) {
            String resumeToken = nurse.all().get(0).path("resumeToken").asText();
            assertThat(nurse.await("error").path("code").asText()).isEqualTo("AUTH_EXPIRED");
            assertThat(nurse.awaitClose()).isEqualTo(4401);
            assertThat(nurse.hasReceived("token.refresh")).isFalse();
            assertThat(doctor.await("peer.reconnecting")).isNotNull();
            try (TestClient back = TestClient.connect(nodeB.boundPort(),
                    fx.tokens.nurse("nurse-l3", null, Duration.ofMinutes(15)))) {
                back.await("welcome");
                back.send("session.resume", "resumeToken", resumeToken, "lastSeq", 0);
                assertThat(back.await("session.resumed").path("calls").size()).isEqualTo(1);
            }
        }
    }

    @Test
    void aFailingRefreshIsRetriedEveryHalfMinuteNotEverySecondAndTheConnectionEndsWhenTheTokenExpires() {
        try (TestClient nurse = TestClient.connect(nodeB.boundPort(),
                fx.tokens.nurse("nurse-l4", "signin-l4", Duration.ofSeconds(8)))) {
            nurse.await("welcome");
            fx.tokens.breakRefresh(true);
            int before = fx.tokens.refreshAttempts.get();
            assertThat(nurse.await("error").path("code").asText()).isEqualTo("AUTH_EXPIRED");
            assertThat(nurse.awaitClose()).isEqualTo(4401);
            // one attempt a second after connecting, the last ones when the token expires: not one a second
            assertThat(fx.tokens.refreshAttempts.get() - before).isBetween(2, 3);
        } finally {
            fx.tokens.breakRefresh(false);
        }
    }
}
