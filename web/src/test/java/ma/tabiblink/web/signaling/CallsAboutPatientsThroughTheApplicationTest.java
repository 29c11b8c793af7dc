package ma.tabiblink.web.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;

import com.fasterxml.jackson.databind.JsonNode;

import ma.tabiblink.records.Records;
import ma.tabiblink.records.audit.AuditAction;
import ma.tabiblink.records.audit.AuditEntry;
import ma.tabiblink.records.audit.AuditOutcome;
import ma.tabiblink.web.support.ApiClient;
import ma.tabiblink.web.support.JsonWebSocket;
import ma.tabiblink.web.support.WebTestSupport;

/**
 * Through the whole application: a nurse calls a specialist only about a patient of her dispensary who consented,
 * refused with a code before the call is queued otherwise; the consultation opened when the specialist accepts is
 * the nurse's, and the audit names her.
 */
@Timeout(120)
class CallsAboutPatientsThroughTheApplicationTest extends WebTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Autowired
    private Records records;

    private static String register(ApiClient nurse, String name, boolean consent) {
        ApiClient.Response r = nurse.post("/api/v1/patients", Map.of("fullName", name, "birthYear", 1984,
                "sex", "FEMALE", "teleconsultationConsent", consent));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().path("id").asText();
    }

    private List<AuditEntry> auditOf(String patientId) {
        return records.audit().entries(null, 100_000).stream().filter(e -> patientId.equals(e.patientId())).toList();
    }

    private static JsonNode refusal(JsonNode error, String requestId) {
        assertThat(error.path("type").asText()).isEqualTo("error");
        assertThat(error.path("re").asText()).isEqualTo(requestId);
        return error;
    }

    @Test
    void aNurseCannotCallASpecialistAboutAnotherDispensarysPatientNorAnUnknownOne() {
        ApiClient nurse1 = as("nurse1");
        ApiClient dermatologist = as("dr.derm");
        String azilalPatient = register(as("nurse2"), "Tuda Azilal", true);
        try (JsonWebSocket doctor = signaling(dermatologist); JsonWebSocket tablet = signaling(nurse1)) {
            doctor.send(Map.of("type", "presence.set", "id", "p1", "status", "available"));
            doctor.awaitType("presence", WAIT);

            tablet.send(Map.of("type", "call.request", "id", "r1", "specialty", "dermatology",
                    "patientRef", azilalPatient, "reason", "eruption"));
            assertThat(refusal(tablet.awaitType("error", WAIT), "r1").path("code").asText())
                    .isEqualTo("NOT_YOUR_PATIENT");
            tablet.send(Map.of("type", "call.request", "id", "r2", "specialty", "dermatology",
                    "patientRef", "pat-" + "0".repeat(32)));
            assertThat(refusal(tablet.awaitType("error", WAIT), "r2").path("code").asText())
                    .isEqualTo("UNKNOWN_PATIENT");

            for (JsonNode queue : as("coord1").get("/api/v1/board").json().path("queues")) {
                if ("dermatology".equals(queue.path("specialty").asText())) {
                    assertThat(queue.path("length").asInt()).as("nothing queued").isZero();
                }
            }
            assertThat(dermatologist.get("/api/v1/patients/" + azilalPatient).status()).isEqualTo(403);
            assertThat(auditOf(azilalPatient)).anySatisfy(e -> {
                assertThat(e.actorId()).isEqualTo("nurse1");
                assertThat(e.action()).isEqualTo(AuditAction.CONSULTATION_OPEN);
                assertThat(e.outcome()).isEqualTo(AuditOutcome.DENIED);
            });
            assertThat(auditOf(azilalPatient)).noneMatch(e -> e.outcome() == AuditOutcome.SUCCESS
                    && e.action() == AuditAction.CONSULTATION_OPEN);
        }
    }

    @Test
    void aCallAboutAPatientWithoutConsentIsRefusedWithACodeUntilANurseOfHerDispensaryRecordsIt() {
        ApiClient nurse1 = as("nurse1");
        String undecided = register(nurse1, "Mimouna Undecided", false);
        try (JsonWebSocket tablet = signaling(nurse1)) {
            tablet.send(Map.of("type", "call.request", "id", "r1", "specialty", "paediatrics", "patientRef", undecided));
            JsonNode error = refusal(tablet.awaitType("error", WAIT), "r1");
            assertThat(error.path("code").asText()).isEqualTo("CONSENT_REQUIRED");
            assertThat(error.path("message").asText()).contains("consent");

            Map<String, Object> yes = Map.of("teleconsultation", true);
            assertThat(as("coord1").put("/api/v1/patients/" + undecided + "/consent", yes).code())
                    .isEqualTo("FORBIDDEN_ROLE");
            assertThat(as("nurse2").put("/api/v1/patients/" + undecided + "/consent", yes).code())
                    .isEqualTo("ACCESS_DENIED");
            assertThat(nurse1.get("/api/v1/patients/" + undecided).json().path("consent").path("teleconsultation")
                    .asBoolean()).isFalse();
            ApiClient.Response recorded = nurse1.put("/api/v1/patients/" + undecided + "/consent", yes);
            assertThat(recorded.status()).as(recorded.body()).isEqualTo(200);
            assertThat(recorded.json().path("consent").path("recordedBy").asText()).isEqualTo("nurse1");

            tablet.send(Map.of("type", "call.request", "id", "r2", "specialty", "paediatrics", "patientRef", undecided));
            String callId = tablet.awaitType("call.queued", WAIT).path("callId").asText();
            tablet.send(Map.of("type", "call.cancel", "id", "c1", "callId", callId));
            tablet.awaitType("call.ended", WAIT);
        }
    }

    @Test
    void theConsultationOpenedWhenTheSpecialistAcceptsIsTheNursesAndTheAuditNamesHer() {
        ApiClient nurse1 = as("nurse1");
        ApiClient cardiologist = as("dr.cardio");
        String patient = register(nurse1, "Zahra Attributed", true);
        try (JsonWebSocket doctor = signaling(cardiologist); JsonWebSocket tablet = signaling(nurse1)) {
            doctor.send(Map.of("type", "presence.set", "id", "p1", "status", "available"));
            doctor.awaitType("presence", WAIT);
            tablet.send(Map.of("type", "call.request", "id", "r1", "specialty", "cardiology", "patientRef", patient));
            String callId = doctor.awaitType("call.incoming", WAIT).path("callId").asText();
            doctor.send(Map.of("type", "call.accept", "id", "a1", "callId", callId));
            tablet.awaitType("call.accepted", WAIT);

            Awaitility.await().atMost(WAIT).untilAsserted(() -> {
                JsonNode consultation = cardiologist.get("/api/v1/patients/" + patient + "/consultations").json()
                        .path(0);
                assertThat(consultation.path("originRef").asText()).isEqualTo(callId);
                assertThat(consultation.path("openedBy").asText()).isEqualTo("nurse1");
                assertThat(consultation.path("nurseId").asText()).isEqualTo("nurse1");
            });
            assertThat(auditOf(patient)).filteredOn(e -> e.action() == AuditAction.CONSULTATION_OPEN)
                    .isNotEmpty()
                    .allSatisfy(e -> {
                        assertThat(e.actorId()).isEqualTo("nurse1");
                        assertThat(e.role()).isEqualTo("NURSE");
                        assertThat(e.outcome()).isEqualTo(AuditOutcome.SUCCESS);
                    });
            doctor.send(Map.of("type", "call.hangup", "id", "h1", "callId", callId, "reason", "completed"));
            tablet.awaitType("call.ended", WAIT);
        }
    }

    @Test
    void aRungSpecialistIsToldThePatientsAgeSexAndDispensaryButNeitherNameNorIdentifierAndTheReadIsAudited() {
        ApiClient nurse1 = as("nurse1");
        ApiClient dermatologist = as("dr.derm");
        String patient = register(nurse1, "Itto Summarised", true);
        int age = LocalDate.now(ZoneId.of("Africa/Casablanca")).getYear() - 1984;
        try (JsonWebSocket doctor = signaling(dermatologist); JsonWebSocket tablet = signaling(nurse1)) {
            doctor.send(Map.of("type", "presence.set", "id", "p1", "status", "available"));
            doctor.awaitType("presence", WAIT);
            tablet.send(Map.of("type", "call.request", "id", "r1", "specialty", "dermatology", "patientRef", patient,
                    "reason", "eruption"));
            JsonNode incoming = doctor.awaitType("call.incoming", WAIT);
            String callId = incoming.path("callId").asText();
            String dispensaryId = incoming.path("from").path("dispensaryId").asText();
            String dispensaryName = null;
            for (JsonNode d : as("admin").get("/api/v1/dispensaries").json()) {
                if (dispensaryId.equals(d.path("id").asText())) {
                    dispensaryName = d.path("name").asText();
                }
            }

            assertThat(dispensaryName).isNotBlank().isNotEqualTo(dispensaryId);
            JsonNode summary = incoming.path("patient");
            assertThat(summary.path("age").asInt(-1)).isIn(age - 1, age);
            assertThat(summary.path("sex").asText()).isEqualTo("FEMALE");
            assertThat(summary.path("dispensaryName").asText()).isEqualTo(dispensaryName);
            assertThat(summary.size()).as("only age, sex and dispensary").isEqualTo(3);
            assertThat(incoming.toString()).doesNotContain("Itto").doesNotContain("Summarised");
            assertThat(auditOf(patient)).anySatisfy(e -> {
                assertThat(e.actorId()).isEqualTo("dr.derm");
                assertThat(e.action()).isEqualTo(AuditAction.PATIENT_READ);
                assertThat(e.outcome()).isEqualTo(AuditOutcome.SUCCESS);
                assertThat(e.detail()).contains(callId);
            });

            tablet.send(Map.of("type", "call.cancel", "id", "c1", "callId", callId));
            tablet.awaitType("call.ended", WAIT);
        }
    }
}
