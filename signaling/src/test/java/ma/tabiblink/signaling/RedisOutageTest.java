package ma.tabiblink.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Redis goes away for 20 seconds under an established call, then comes back with its data (AOF). Presence lives as
 * long as the node timeout, so the node is configured to outlast the outage (30 s here; the default of 15 s favours
 * fast failover of crashed nodes, and a longer outage leaves specialists to set their presence again).
 */
@Timeout(150)
class RedisOutageTest {

    private static final Duration OUTAGE = Duration.ofSeconds(20);

    static SignalingFixture fx;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        fx = new SignalingFixture(new TestTokens(), Files.createTempDirectory("tabib-outage"));
        port = fx.start(b -> b.nodeId("outage").nodeTimeout(Duration.ofSeconds(30))).boundPort();
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    @Test
    void anEstablishedCallKeepsRelayingWhileRedisIsDownNewCallsFailFastWithACodeAndAllRecoversAfter() throws Exception {
        try (TestClient doctor = TestClient.connect(port, fx.tokens.specialist("dr.cardio", "cardiology"));
             TestClient nurse = TestClient.connect(port, fx.tokens.nurse("nurse1", "disp-tinghir"));
             TestClient otherNurse = TestClient.connect(port, fx.tokens.nurse("nurse2", "disp-azilal"))) {
            doctor.await("welcome");
            nurse.await("welcome");
            otherNurse.await("welcome");
            doctor.send("presence.set", "status", "available");
            doctor.await("presence");
            nurse.send("call.request", "specialty", "cardiology", "patientRef", "pat-1");
            String callId = nurse.await("call.queued").path("callId").asText();
            doctor.await("call.incoming");
            doctor.send("call.accept", "callId", callId);
            nurse.await("call.accepted");
            doctor.await("call.accepted");

            fx.redisServer.stop();
            Instant back = Instant.now().plus(OUTAGE);

            nurse.send("sdp.offer", "callId", callId, "sdp", "v=0 offer during outage");
            assertThat(doctor.await("sdp.offer").path("sdp").asText()).isEqualTo("v=0 offer during outage");
            otherNurse.send("call.request", "specialty", "cardiology", "patientRef", "pat-2");
            JsonNode refused = otherNurse.await("error");
            assertThat(refused.path("code").asText()).isEqualTo("TEMPORARILY_UNAVAILABLE");

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

            fx.redisServer.start();

            String queuedCall = null;
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while (queuedCall == null && Instant.now().isBefore(deadline)) {
                otherNurse.send("call.request", "specialty", "cardiology", "patientRef", "pat-2");
                JsonNode answer = otherNurse.await(m -> "call.queued".equals(m.path("type").asText())
                        || "error".equals(m.path("type").asText()), "call.queued or error");
                if ("call.queued".equals(answer.path("type").asText())) {
                    queuedCall = answer.path("callId").asText();
                } else {
                    assertThat(answer.path("code").asText()).isEqualTo("TEMPORARILY_UNAVAILABLE");
                    Thread.sleep(500);
                }
            }
            assertThat(queuedCall).as("a new call is queued once Redis is back").isNotNull();

            doctor.send("sdp.answer", "callId", callId, "sdp", "v=0 answer after outage");
            assertThat(nurse.await("sdp.answer").path("sdp").asText()).isEqualTo("v=0 answer after outage");
            doctor.send("call.hangup", "callId", callId, "reason", "completed");
            assertThat(nurse.await("call.ended").path("reason").asText()).isEqualTo("completed");
            assertThat(doctor.await("call.incoming").path("callId").asText())
                    .as("routing works again: the freed specialist is rung for the call queued after the outage")
                    .isEqualTo(queuedCall);
        }
    }
}
