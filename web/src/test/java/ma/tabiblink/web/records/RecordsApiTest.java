package ma.tabiblink.web.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;

import ma.tabiblink.web.support.ApiClient;
import ma.tabiblink.web.support.WebTestSupport;

@Timeout(120)
class RecordsApiTest extends WebTestSupport {

    private static Map<String, Object> content(String marker) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("reason", "Dyspnée d'effort " + marker);
        m.put("history", "Diabète type 2 " + marker);
        m.put("findings", "Souffle systolique 2/6 " + marker);
        m.put("assessment", "Rétrécissement aortique probable " + marker);
        m.put("plan", "Échographie cardiaque à Errachidia " + marker);
        m.put("prescription", "Furosémide 20 mg 1/j " + marker);
        m.put("followUp", "Téléconsultation dans 2 semaines " + marker);
        m.put("language", "fr");
        return m;
    }

    /**
     * nurse1 registers a patient and opens an urgent-call consultation with dr.cardio; returns {patient, consultation}.
     * Each call registers another person of the same name and year (another national ID): confirmed distinct.
     */
    private String[] patientWithCardioConsultation(String callId, String nationalId) {
        ApiClient nurse = as("nurse1");
        ApiClient.Response registered = nurse.post("/api/v1/patients", Map.of("fullName", "Itto Ait Oussous",
                "confirmedDistinct", true,
                "birthYear", 1967, "sex", "FEMALE", "preferredLanguage", "zgh", "nationalId", nationalId,
                "teleconsultationConsent", true));
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        String patientId = registered.json().get("id").asText();
        ApiClient.Response opened = nurse.post("/api/v1/patients/" + patientId + "/consultations", Map.of(
                "origin", "URGENT_CALL", "originRef", callId, "specialistId", "dr.cardio", "mode", "VIDEO"));
        assertThat(opened.status()).as(opened.body()).isEqualTo(201);
        return new String[] {patientId, opened.json().get("id").asText()};
    }

    @Test
    void aSpecialistWritesSignsAmendsAndReadsNotesThroughTheApi() {
        String[] ids = patientWithCardioConsultation("call-web-1", "PA100200");
        ApiClient cardio = as("dr.cardio");

        ApiClient.Response draft = cardio.post("/api/v1/consultations/" + ids[1] + "/notes", content("v1"));
        assertThat(draft.status()).as(draft.body()).isEqualTo(201);
        String noteId = draft.json().get("noteId").asText();
        assertThat(draft.json().get("status").asText()).isEqualTo("DRAFT");

        ApiClient.Response signed = cardio.post("/api/v1/notes/" + noteId + "/signature", null);
        assertThat(signed.status()).as(signed.body()).isEqualTo(200);
        assertThat(signed.json().get("status").asText()).isEqualTo("FINAL");
        assertThat(signed.json().get("signedBy").asText()).isEqualTo("dr.cardio");

        ApiClient.Response amended = cardio.post("/api/v1/notes/" + noteId + "/amendments", content("v2"));
        assertThat(amended.status()).as(amended.body()).isEqualTo(201);
        assertThat(amended.json().get("version").asInt()).isEqualTo(2);
        assertThat(cardio.post("/api/v1/notes/" + noteId + "/signature", null).json().get("status").asText())
                .isEqualTo("AMENDED");

        assertThat(cardio.get("/api/v1/notes/" + noteId + "?version=1").json().at("/sections/REASON").asText())
                .endsWith("v1");
        assertThat(cardio.get("/api/v1/notes/" + noteId).json().at("/sections/REASON").asText()).endsWith("v2");
        assertThat(cardio.get("/api/v1/notes/" + noteId + "/signature?version=1").json().get("valid").asBoolean())
                .isTrue();
        assertThat(cardio.get("/api/v1/specialists/dr.cardio/signing-key").json().get("algorithm").asText())
                .isEqualTo("Ed25519");
        assertThat(cardio.get("/api/v1/patients/" + ids[0] + "/notes").json().get(0).get("latestVersion").asInt())
                .isEqualTo(2);
        assertThat(cardio.get("/api/v1/consultations/" + ids[1] + "/notes").json()).hasSize(1);
        assertThat(cardio.get("/api/v1/notes/" + noteId + "?version=3").code()).isEqualTo("NOTE_VERSION_NOT_FOUND");

        ApiClient.Response fhir = cardio.get("/api/v1/patients/" + ids[0] + "/fhir");
        assertThat(fhir.status()).isEqualTo(200);
        assertThat(fhir.contentType()).startsWith("application/fhir+json");
        assertThat(fhir.body()).contains("\"resourceType\": \"Bundle\"", "11488-4", "Provenance", "Encounter");
    }

    @Test
    void theServerEnforcesTheAccessMatrixRoleByRole() {
        String[] ids = patientWithCardioConsultation("call-web-2", "PA100300");
        ApiClient cardio = as("dr.cardio");
        String noteId = cardio.post("/api/v1/consultations/" + ids[1] + "/notes", content("m")).json()
                .get("noteId").asText();
        cardio.post("/api/v1/notes/" + noteId + "/signature", null);

        JsonNode nurseView = as("nurse1").get("/api/v1/notes/" + noteId).json();
        assertThat(nurseView.get("access").asText()).isEqualTo("CARE_PLAN");
        assertThat(nurseView.get("sections").has("PRESCRIPTION")).isTrue();
        assertThat(nurseView.get("sections").has("FINDINGS")).isFalse();
        assertThat(nurseView.get("sections").has("ASSESSMENT")).isFalse();

        ApiClient coord = as("coord1");
        assertThat(coord.get("/api/v1/patients/" + ids[0]).status()).isEqualTo(200);
        ApiClient.Response coordRead = coord.get("/api/v1/notes/" + noteId);
        assertThat(coordRead.status()).isEqualTo(403);
        assertThat(coordRead.code()).isEqualTo("ACCESS_DENIED");
        assertThat(coord.get("/api/v1/patients/" + ids[0] + "/fhir").code()).isEqualTo("FORBIDDEN_ROLE");

        ApiClient derm = as("dr.derm");
        assertThat(derm.get("/api/v1/notes/" + noteId).code()).isEqualTo("ACCESS_DENIED");
        assertThat(derm.get("/api/v1/patients/" + ids[0]).code()).isEqualTo("ACCESS_DENIED");
        assertThat(derm.post("/api/v1/consultations/" + ids[1] + "/notes", content("x")).code())
                .isEqualTo("ACCESS_DENIED");
        assertThat(derm.post("/api/v1/notes/" + noteId + "/break-glass", Map.of("reason", "")).code())
                .isEqualTo("BREAK_GLASS_REASON_REQUIRED");
        ApiClient.Response glass = derm.post("/api/v1/notes/" + noteId + "/break-glass",
                Map.of("reason", "Patient transferred unconscious to our ward"));
        assertThat(glass.status()).isEqualTo(200);
        assertThat(glass.json().get("access").asText()).isEqualTo("BREAK_GLASS");
        assertThat(glass.json().get("sections").has("ASSESSMENT")).isTrue();

        ApiClient nurse2 = as("nurse2");
        assertThat(nurse2.get("/api/v1/patients/" + ids[0]).code()).isEqualTo("ACCESS_DENIED");
        assertThat(nurse2.get("/api/v1/notes/" + noteId).code()).isEqualTo("ACCESS_DENIED");
        assertThat(as("nurse1").post("/api/v1/notes/" + noteId + "/signature", null).code()).isEqualTo("FORBIDDEN_ROLE");

        ApiClient admin = as("admin");
        assertThat(admin.get("/api/v1/notes/" + noteId).code()).isEqualTo("ACCESS_DENIED");
        assertThat(admin.get("/api/v1/patients/" + ids[0]).code()).isEqualTo("ACCESS_DENIED");
        ApiClient.Response verify = admin.post("/api/v1/audit/verify", null);
        assertThat(verify.status()).isEqualTo(200);
        assertThat(verify.json().get("intact").asBoolean()).isTrue();
        assertThat(admin.get("/api/v1/audit/events?limit=20").body()).contains("AuditEvent");
        assertThat(as("nurse1").post("/api/v1/audit/verify", null).code()).isEqualTo("FORBIDDEN_ROLE");

        ApiClient.Response checkpoint = admin.get("/api/v1/audit/checkpoint");
        assertThat(checkpoint.status()).as(checkpoint.body()).isEqualTo(200);
        String line = checkpoint.json().path("line").asText();
        assertThat(line).startsWith("tabib-audit-checkpoint/v1 seq=" + checkpoint.json().path("seq").asLong() + " ");
        ApiClient.Response against = admin.post("/api/v1/audit/verify", java.util.Map.of("checkpoints", java.util.List.of(line)));
        assertThat(against.json().get("intact").asBoolean()).as(against.body()).isTrue();
        ApiClient.Response forged = admin.post("/api/v1/audit/verify", java.util.Map.of("checkpoints",
                java.util.List.of(line.replaceFirst("seq=\\d+", "seq=999999"))));
        assertThat(forged.json().get("intact").asBoolean()).isFalse();
        assertThat(forged.json().get("problem").asText()).contains("not genuine");
        assertThat(as("nurse1").get("/api/v1/audit/checkpoint").code()).isEqualTo("FORBIDDEN_ROLE");
    }

    @Test
    void patientsAreSearchedByDispensaryAndNationalIdAndErrorsAreCoded() {
        ApiClient nurse = as("nurse1");
        patientWithCardioConsultation("call-web-3", "PA100400");
        JsonNode mine = nurse.get("/api/v1/patients?q=oubella").json();
        assertThat(mine.toString()).contains("Mohamed Oubella");
        assertThat(nurse.get("/api/v1/patients").json().toString()).doesNotContain("Lahcen Amellal");
        JsonNode byId = nurse.get("/api/v1/patients?nationalId=PA100400").json();
        assertThat(byId.get(0).get("maskedNationalId").asText()).isEqualTo("*****400");
        assertThat(byId.toString()).doesNotContain("PA100400");
        assertThat(nurse.get("/api/v1/patients?dispensaryId=disp-azilal").code()).isEqualTo("ACCESS_DENIED");
        assertThat(as("nurse2").get("/api/v1/patients").json().toString()).contains("Lahcen Amellal");

        ApiClient.Response unknown = nurse.get("/api/v1/patients/pat-0123456789abcdef0123456789abcdef");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.code()).isEqualTo("PATIENT_NOT_FOUND");
        assertThat(unknown.json().get("message").asText()).isNotBlank();
        ApiClient.Response duplicate = nurse.post("/api/v1/patients", Map.of("fullName", "Someone Else",
                "birthYear", 1980, "nationalId", "PA100400", "teleconsultationConsent", true));
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(duplicate.code()).isEqualTo("PATIENT_DUPLICATE");
        assertThat(nurse.post("/api/v1/patients", Map.of("fullName", "")).code()).isEqualTo("INVALID_INPUT");
        assertThat(api().get("/api/v1/patients").status()).isEqualTo(401);
        assertThat(api().get("/v3/api-docs").body()).contains("/api/v1/notes/{id}/break-glass",
                "/api/v1/patients/{id}/fhir");
    }
}
