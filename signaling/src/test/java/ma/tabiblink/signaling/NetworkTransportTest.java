package ma.tabiblink.signaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import ma.tabiblink.signaling.transport.NetworkTransport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each network transport a node can run on carries a whole call: request, ring, accept, relay both ways, hang-up. */
@Timeout(60)
class NetworkTransportTest {

    static SignalingFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = new SignalingFixture();
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    @ParameterizedTest
    @EnumSource(value = NetworkTransport.class, names = {"IO_URING", "EPOLL", "NIO"})
    void aCallIsSetUpRelayedAndEndedOnTheTransport(NetworkTransport transport) throws Exception {
        String name = transport.name().toLowerCase();
        assumeTrue(transport.choose().name().equals(name), name + " cannot run on this machine");
        SignalingServer node = fx.start(b -> b.nodeId("transport-" + name).port(0).transport(transport));
        assertThat(node.transportName()).isEqualTo(name);
        try (TestClient doctor = TestClient.connect(node.boundPort(), fx.tokens.specialist("dr." + name, "cardiology"));
             TestClient nurse = TestClient.connect(node.boundPort(), fx.tokens.nurse("nurse-" + name, "disp-azilal"))) {
            doctor.await("welcome");
            nurse.await("welcome");
            doctor.send("presence.set", "status", "available");
            doctor.await("presence");
            nurse.send("call.request", "specialty", "cardiology", "patientRef", "pat-" + name);
            String callId = doctor.await("call.incoming").path("callId").asText();
            doctor.send("call.accept", "callId", callId);
            nurse.await("call.accepted");
            for (int i = 0; i < 50; i++) {
                nurse.send("ice.candidate", "callId", callId, "candidate", Map.of("candidate", "n" + i));
                doctor.send("ice.candidate", "callId", callId, "candidate", Map.of("candidate", "d" + i));
            }
            for (int i = 0; i < 50; i++) {
                JsonNode fromNurse = doctor.await("ice.candidate");
                assertThat(fromNurse.path("candidate").path("candidate").asText()).isEqualTo("n" + i);
                assertThat(fromNurse.path("from").asText()).isEqualTo("nurse-" + name);
                assertThat(nurse.await("ice.candidate").path("candidate").path("candidate").asText())
                        .isEqualTo("d" + i);
            }
            nurse.send("call.hangup", "callId", callId);
            assertThat(doctor.await("call.ended").path("callId").asText()).isEqualTo(callId);
        }
    }

    @Test
    void aTransportThatCannotRunFallsBackToOneThatCan() {
        assertThat(NetworkTransport.NIO.choose().name()).isEqualTo("nio");
        assertThat(NetworkTransport.IO_URING.choose().name()).isIn("io_uring", "epoll", "nio");
        assertThat(NetworkTransport.AUTO.choose().name()).isIn("epoll", "nio");
    }
}
