package ma.tabiblink.web.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;

import ma.tabiblink.web.support.ApiClient;
import ma.tabiblink.web.support.JsonWebSocket;
import ma.tabiblink.web.support.WebTestSupport;

@Timeout(120)
class ConsultationsFromCallsTest extends WebTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void anUrgentCallOpensTheConsultationInProgressAndHangingUpFinishesIt() {
        ApiClient nurse = as("nurse1");
        ApiClient pediatrician = as("dr.pedia");
        String patientId = nurse.post("/api/v1/patients", Map.of("fullName", "Ayoub Ait Said", "birthYear", 2021,
                "sex", "MALE", "teleconsultationConsent", true)).json().path("id").asText();
        try (JsonWebSocket doctor = signaling(pediatrician); JsonWebSocket tablet = signaling(nurse)) {
            doctor.send(Map.of("type", "presence.set", "id", "p1", "status", "available"));
            doctor.awaitType("presence", WAIT);
            tablet.send(Map.of("type", "call.request", "id", "r1", "specialty", "paediatrics", "patientRef", patientId));
            String callId = doctor.awaitType("call.incoming", WAIT).path("callId").asText();
            doctor.send(Map.of("type", "call.accept", "id", "a1", "callId", callId));
            tablet.awaitType("call.accepted", WAIT);

            Awaitility.await().atMost(WAIT).untilAsserted(() -> assertThat(
                    pediatrician.get("/api/v1/patients/" + patientId + "/consultations").json().path(0)
                            .path("status").asText()).isEqualTo("IN_PROGRESS"));

            doctor.send(Map.of("type", "call.hangup", "id", "h1", "callId", callId, "reason", "completed"));
            tablet.awaitType("call.ended", WAIT);
            Awaitility.await().atMost(WAIT).untilAsserted(() -> {
                JsonNode consultation = pediatrician.get("/api/v1/patients/" + patientId + "/consultations").json()
                        .path(0);
                assertThat(consultation.path("status").asText()).isEqualTo("FINISHED");
                assertThat(consultation.path("originRef").asText()).isEqualTo(callId);
                assertThat(consultation.path("endedAt").asText()).isNotBlank();
            });
        }
    }
}
