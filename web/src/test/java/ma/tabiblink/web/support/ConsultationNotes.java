package ma.tabiblink.web.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;


/** What the fault tests need to save consultation notes through the API: a consultation to write in, a note body. */
public final class ConsultationNotes {

    private ConsultationNotes() {
    }

    /** Registers a patient as the nurse and opens an urgent video consultation with dr.cardio; returns its id. */
    public static String openConsultation(ApiClient nurse, String patientName, String callRef) {
        ApiClient.Response registered = nurse.post("/api/v1/patients", Map.of("fullName", patientName,
                "birthYear", 1958, "sex", "FEMALE", "teleconsultationConsent", true, "confirmedDistinct", true));
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        String patient = registered.json().path("id").asText();
        ApiClient.Response opened = nurse.post("/api/v1/patients/" + patient + "/consultations", Map.of(
                "origin", "URGENT_CALL", "originRef", callRef, "specialistId", "dr.cardio", "mode", "VIDEO"));
        assertThat(opened.status()).as(opened.body()).isEqualTo(201);
        return opened.json().path("id").asText();
    }

    /** A note body whose reason tells its versions apart. */
    public static Map<String, Object> note(String reason) {
        return Map.of("reason", reason, "assessment", "Extrasystoles probables", "plan", "Holter ECG",
                "language", "fr");
    }
}
