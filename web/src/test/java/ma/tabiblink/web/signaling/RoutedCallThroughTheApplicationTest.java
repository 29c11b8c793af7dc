package ma.tabiblink.web.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import ma.tabiblink.web.support.ApiClient;
import ma.tabiblink.web.support.JsonWebSocket;
import ma.tabiblink.web.support.WebTestSupport;

/** The whole application: demo users sign in over REST and complete a routed call over the signalling socket. */
class RoutedCallThroughTheApplicationTest extends WebTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aNurseCallsACardiologistWhoAcceptsAndTheyExchangeSdpAndIceThenHangUp() {
        ApiClient nurse = as("nurse1");
        ApiClient cardiologist = as("dr.cardio");
        String patientId = nurse.post("/api/v1/patients", Map.of("fullName", "Hmad Routed", "birthYear", 1959,
                "sex", "MALE", "teleconsultationConsent", true)).json().path("id").asText();
        try (JsonWebSocket doctor = signaling(cardiologist); JsonWebSocket tablet = signaling(nurse)) {
            doctor.send(Map.of("type", "presence.set", "id", "p1", "status", "available"));
            assertThat(doctor.awaitType("presence", WAIT).path("status").asText()).isEqualTo("available");

            tablet.send(Map.of("type", "call.request", "id", "r1", "specialty", "cardiology", "patientRef", patientId,
                    "reason", "chest pain"));
            JsonNode queued = tablet.awaitType("call.queued", WAIT);
            String callId = queued.path("callId").asText();

            JsonNode incoming = doctor.awaitType("call.incoming", WAIT);
            assertThat(incoming.path("callId").asText()).isEqualTo(callId);
            assertThat(incoming.path("from").path("province").asText()).isEqualTo("Tinghir");

            doctor.send(Map.of("type", "call.accept", "id", "a1", "callId", callId));
            JsonNode nurseSide = tablet.awaitType("call.accepted", WAIT);
            JsonNode doctorSide = doctor.awaitType("call.accepted", WAIT);
            assertThat(nurseSide.path("role").asText()).isEqualTo("offerer");
            assertThat(doctorSide.path("role").asText()).isEqualTo("answerer");
            assertThat(nurseSide.path("media").path("mode").asText()).isEqualTo("p2p");

            tablet.send(Map.of("type", "sdp.offer", "callId", callId, "sdp", "v=0 offer"));
            assertThat(doctor.awaitType("sdp.offer", WAIT).path("sdp").asText()).isEqualTo("v=0 offer");
            doctor.send(Map.of("type", "sdp.answer", "callId", callId, "sdp", "v=0 answer"));
            assertThat(tablet.awaitType("sdp.answer", WAIT).path("from").asText()).isEqualTo("dr.cardio");
            tablet.send(Map.of("type", "ice.candidate", "callId", callId, "candidate",
                    Map.of("candidate", "candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host", "sdpMid", "0", "sdpMLineIndex", 0)));
            assertThat(doctor.awaitType("ice.candidate", WAIT).path("candidate").path("sdpMid").asText()).isEqualTo("0");

            assertThat(as("coord1").get("/api/v1/board").json().path("calls").path("inProgress").asInt()).isEqualTo(1);

            doctor.send(Map.of("type", "call.hangup", "id", "h1", "callId", callId, "reason", "completed"));
            assertThat(tablet.awaitType("call.ended", WAIT).path("reason").asText()).isEqualTo("completed");
            assertThat(doctor.awaitType("call.ended", WAIT).path("by").asText()).isEqualTo("dr.cardio");
        }
        // call events reach the metrics on their own thread, after the members were told
        org.awaitility.Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(api().get("/actuator/prometheus").body())
                .contains("tabib_calls_total{application=\"tabib-link\",outcome=\"accepted\"}")
                .contains("tabib_calls_ring_to_answer_seconds_count")
                .contains("tabib_calls_ended_total{application=\"tabib-link\",reason=\"completed\"}")
                .contains("tabib_queue_length{application=\"tabib-link\",specialty=\"cardiology\"}")
                .contains("tabib_signaling_connections")
                .contains("tabib_signaling_relay_seconds_count"));
    }

    @Test
    void acceptingACallAboutARegisteredPatientOpensTheConsultationSoTheSpecialistMayReadTheRecord() {
        ApiClient nurse = as("nurse2");
        ApiClient dermatologist = as("dr.derm");
        ApiClient.Response registered = nurse.post("/api/v1/patients", Map.of("fullName", "Itto Ait Ali",
                "birthYear", 1982, "sex", "FEMALE", "preferredLanguage", "ar", "teleconsultationConsent", true));
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        String patientId = registered.json().path("id").asText();
        assertThat(dermatologist.get("/api/v1/patients/" + patientId).status()).isEqualTo(403);

        try (JsonWebSocket doctor = signaling(dermatologist); JsonWebSocket tablet = signaling(nurse)) {
            doctor.send(Map.of("type", "presence.set", "id", "p1", "status", "available"));
            doctor.awaitType("presence", WAIT);
            tablet.send(Map.of("type", "call.request", "id", "r1", "specialty", "dermatology", "patientRef", patientId));
            String callId = doctor.awaitType("call.incoming", WAIT).path("callId").asText();
            doctor.send(Map.of("type", "call.accept", "id", "a1", "callId", callId));
            tablet.awaitType("call.accepted", WAIT);
            doctor.awaitType("call.accepted", WAIT);

            org.awaitility.Awaitility.await().atMost(WAIT).untilAsserted(() ->
                    assertThat(dermatologist.get("/api/v1/patients/" + patientId).status()).isEqualTo(200));
            assertThat(dermatologist.get("/api/v1/patients/" + patientId + "/consultations").body()).contains(callId);
            doctor.send(Map.of("type", "call.hangup", "id", "h1", "callId", callId, "reason", "completed"));
            tablet.awaitType("call.ended", WAIT);
        }
    }

    @Test
    void aPageFromAnotherSiteCannotOpenTheSignallingSocket() {
        ApiClient nurse = as("nurse2");
        String url = signalingUrl(nurse);
        try (JsonWebSocket socket = JsonWebSocket.connect(url + "?ticket=" + nurse.ticket("signal"), "https://evil.example")) {
            assertThat(socket.next(WAIT).path("code").asText()).isEqualTo("ORIGIN_FORBIDDEN");
            assertThat(socket.closeCode(WAIT)).isEqualTo(4403);
        }
    }

    @Test
    void aForgedTokenIsRefusedOnTheSignallingSocket() {
        ApiClient nurse = as("nurse2");
        try (JsonWebSocket socket = JsonWebSocket.connectWithBearer(signalingUrl(nurse), nurse.accessToken() + "x")) {
            assertThat(socket.next(WAIT).path("code").asText()).isEqualTo("AUTH_INVALID");
            assertThat(socket.closeCode(WAIT)).isEqualTo(4401);
        }
    }
}
