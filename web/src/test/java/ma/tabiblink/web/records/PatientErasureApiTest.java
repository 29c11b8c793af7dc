package ma.tabiblink.web.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;

import com.fasterxml.jackson.databind.JsonNode;

import ma.tabiblink.records.Actor;
import ma.tabiblink.records.Records;
import ma.tabiblink.web.support.ApiClient;
import ma.tabiblink.web.support.JsonWebSocket;
import ma.tabiblink.web.support.WebTestSupport;

/** After a legal erasure, nothing more can be read or written for the patient, through any door, each with a code. */
@Timeout(120)
class PatientErasureApiTest extends WebTestSupport {

    @Autowired
    private Records records;

    @Test
    void afterErasureEveryReadAndWriteForThePatientIsRefusedWithACode() {
        ApiClient nurse = as("nurse1");
        ApiClient cardio = as("dr.cardio");
        ApiClient coordinator = as("coord1");
        ApiClient.Response registered = nurse.post("/api/v1/patients", Map.of("fullName", "Ittou Oubliee",
                "birthYear", 1977, "sex", "FEMALE", "nationalId", "EB998877", "teleconsultationConsent", true));
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        String patient = registered.json().path("id").asText();
        String consultation = nurse.post("/api/v1/patients/" + patient + "/consultations", Map.of("origin",
                "URGENT_CALL", "originRef", "call-erase-" + UUID.randomUUID(), "specialistId", "dr.cardio",
                "mode", "VIDEO")).json().path("id").asText();

        records.keyOperations().shred(Actor.operator("test"), patient);

        assertThat(nurse.get("/api/v1/patients/" + patient).code()).isEqualTo("PATIENT_ERASED");
        assertThat(nurse.get("/api/v1/patients/" + patient).status()).isEqualTo(410);
        assertThat(nurse.get("/api/v1/patients?nationalId=EB998877").code()).isEqualTo("PATIENT_NOT_FOUND");
        assertThat(nurse.get("/api/v1/patients?q=Oubliee").json()).isEmpty();
        assertThat(nurse.put("/api/v1/patients/" + patient + "/consent", Map.of("teleconsultation", true)).code())
                .isEqualTo("PATIENT_ERASED");
        assertThat(nurse.post("/api/v1/patients/" + patient + "/consultations", Map.of("origin", "URGENT_CALL",
                "originRef", "call-after-erasure", "specialistId", "dr.cardio", "mode", "VIDEO")).code())
                .isEqualTo("PATIENT_ERASED");
        ApiClient.Response note = cardio.post("/api/v1/consultations/" + consultation + "/notes",
                Map.of("assessment", "after erasure", "language", "fr"));
        assertThat(note.status()).as(note.body()).isEqualTo(410);
        assertThat(note.code()).isEqualTo("PATIENT_ERASED");

        LocalDate monday = LocalDate.now(ZoneId.of("Africa/Casablanca")).with(TemporalAdjusters.next(DayOfWeek.MONDAY))
                .plusWeeks(9);
        JsonNode slot = coordinator.get("/api/v1/slots?specialist=dr.cardio&from=" + monday + "&to=" + monday).json()
                .get(0);
        ApiClient.Response booking = coordinator.post("/api/v1/appointments", Map.of("specialistId", "dr.cardio",
                "specialty", "cardiology", "start", slot.path("start").asText(), "patientRef", patient,
                "dispensaryId", "disp-tinghir"), Map.of("Idempotency-Key", UUID.randomUUID().toString()));
        assertThat(booking.code()).isEqualTo("PATIENT_ERASED");

        try (JsonWebSocket tablet = signaling(nurse)) {
            tablet.send(Map.of("type", "call.request", "id", "r1", "specialty", "cardiology", "patientRef", patient));
            assertThat(tablet.awaitType("error", Duration.ofSeconds(10)).path("code").asText())
                    .isEqualTo("UNKNOWN_PATIENT");
        }
    }
}
