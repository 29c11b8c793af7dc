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

    private JsonWebSocket connect(ApiClient user) {
        String url = user.get("/api/v1/config").json().path("signalingUrl").asText();
        JsonWebSocket socket = JsonWebSocket.connect(url + "?token=" + user.accessToken(), "http://127.0.0.1:" + port);
        assertThat(socket.next(WAIT).path("type").asText()).isEqualTo("welcome");
        return socket;
    }

    private static JsonNode awaitType(JsonWebSocket socket, String type) {
        return socket.await(m -> type.equals(m.path("type").asText()), WAIT);
    }

    @Test
    void aNurseCallsACardiologistWhoAcceptsAndTheyExchangeSdpAndIceThenHangUp() {
        ApiClient nurse = as("nurse1");
        ApiClient cardiologist = as("dr.cardio");
        try (JsonWebSocket doctor = connect(cardiologist); JsonWebSocket tablet = connect(nurse)) {
            doctor.send(Map.of("type", "presence.set", "id", "p1", "status", "available"));
            assertThat(awaitType(doctor, "presence").path("status").asText()).isEqualTo("available");

            tablet.send(Map.of("type", "call.request", "id", "r1", "specialty", "cardiology", "patientRef", "pat-001",
                    "reason", "chest pain"));
            JsonNode queued = awaitType(tablet, "call.queued");
            String callId = queued.path("callId").asText();

            JsonNode incoming = awaitType(doctor, "call.incoming");
            assertThat(incoming.path("callId").asText()).isEqualTo(callId);
            assertThat(incoming.path("from").path("province").asText()).isEqualTo("Tinghir");

            doctor.send(Map.of("type", "call.accept", "id", "a1", "callId", callId));
            JsonNode nurseSide = awaitType(tablet, "call.accepted");
            JsonNode doctorSide = awaitType(doctor, "call.accepted");
            assertThat(nurseSide.path("role").asText()).isEqualTo("offerer");
            assertThat(doctorSide.path("role").asText()).isEqualTo("answerer");
            assertThat(nurseSide.path("media").path("mode").asText()).isEqualTo("p2p");

            tablet.send(Map.of("type", "sdp.offer", "callId", callId, "sdp", "v=0 offer"));
            assertThat(awaitType(doctor, "sdp.offer").path("sdp").asText()).isEqualTo("v=0 offer");
            doctor.send(Map.of("type", "sdp.answer", "callId", callId, "sdp", "v=0 answer"));
            assertThat(awaitType(tablet, "sdp.answer").path("from").asText()).isEqualTo("dr.cardio");
            tablet.send(Map.of("type", "ice.candidate", "callId", callId, "candidate",
                    Map.of("candidate", "candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host", "sdpMid", "0", "sdpMLineIndex", 0)));
            assertThat(awaitType(doctor, "ice.candidate").path("candidate").path("sdpMid").asText()).isEqualTo("0");

            assertThat(as("coord1").get("/api/v1/board").json().path("calls").path("inProgress").asInt()).isEqualTo(1);

            doctor.send(Map.of("type", "call.hangup", "id", "h1", "callId", callId, "reason", "completed"));
            assertThat(awaitType(tablet, "call.ended").path("reason").asText()).isEqualTo("completed");
            assertThat(awaitType(doctor, "call.ended").path("by").asText()).isEqualTo("dr.cardio");
        }
        String metrics = api().get("/actuator/prometheus").body();
        assertThat(metrics).contains("tabib_calls_total{application=\"tabib-link\",outcome=\"accepted\"}")
                .contains("tabib_calls_ring_to_answer_seconds_count")
                .contains("tabib_calls_ended_total{application=\"tabib-link\",reason=\"completed\"}")
                .contains("tabib_queue_length{application=\"tabib-link\",specialty=\"cardiology\"}")
                .contains("tabib_signaling_connections");
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

        try (JsonWebSocket doctor = connect(dermatologist); JsonWebSocket tablet = connect(nurse)) {
            doctor.send(Map.of("type", "presence.set", "id", "p1", "status", "available"));
            awaitType(doctor, "presence");
            tablet.send(Map.of("type", "call.request", "id", "r1", "specialty", "dermatology", "patientRef", patientId));
            String callId = awaitType(doctor, "call.incoming").path("callId").asText();
            doctor.send(Map.of("type", "call.accept", "id", "a1", "callId", callId));
            awaitType(tablet, "call.accepted");
            awaitType(doctor, "call.accepted");

            org.awaitility.Awaitility.await().atMost(WAIT).untilAsserted(() ->
                    assertThat(dermatologist.get("/api/v1/patients/" + patientId).status()).isEqualTo(200));
            assertThat(dermatologist.get("/api/v1/patients/" + patientId + "/consultations").body()).contains(callId);
            doctor.send(Map.of("type", "call.hangup", "id", "h1", "callId", callId, "reason", "completed"));
            awaitType(tablet, "call.ended");
        }
    }

    @Test
    void aPageFromAnotherSiteCannotOpenTheSignallingSocket() {
        ApiClient nurse = as("nurse2");
        String url = nurse.get("/api/v1/config").json().path("signalingUrl").asText();
        try (JsonWebSocket socket = JsonWebSocket.connect(url + "?token=" + nurse.accessToken(), "https://evil.example")) {
            assertThat(socket.next(WAIT).path("code").asText()).isEqualTo("ORIGIN_FORBIDDEN");
            assertThat(socket.closeCode(WAIT)).isEqualTo(4403);
        }
    }

    @Test
    void aForgedTokenIsRefusedOnTheSignallingSocket() {
        ApiClient nurse = as("nurse2");
        String url = nurse.get("/api/v1/config").json().path("signalingUrl").asText();
        try (JsonWebSocket socket = JsonWebSocket.connect(url + "?token=" + nurse.accessToken() + "x", "http://127.0.0.1:" + port)) {
            assertThat(socket.next(WAIT).path("code").asText()).isEqualTo("AUTH_INVALID");
            assertThat(socket.closeCode(WAIT)).isEqualTo(4401);
        }
    }
}
