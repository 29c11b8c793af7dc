package ma.tabiblink.web.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;

import ma.tabiblink.web.support.ApiClient;
import ma.tabiblink.web.support.WebTestSupport;

/**
 * Emergency access through the API: signed versions only, the nurse's sections only, a per-user limit, and an
 * alert on the administrators' board that an administrator closes with a review.
 */
@Timeout(120)
class BreakGlassApiTest extends WebTestSupport {

    private static final String REASON = "Patient transferred unconscious to the provincial hospital";

    private static Map<String, Object> content(String marker) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("reason", "Syncope " + marker);
        m.put("findings", "Bradycardie 38/min " + marker);
        m.put("assessment", "BAV complet probable " + marker);
        m.put("plan", "Transfert au CHP " + marker);
        m.put("prescription", "Aucune " + marker);
        m.put("followUp", "Appel du cardiologue demain " + marker);
        m.put("language", "fr");
        return m;
    }

    /** A specialist account of its own, so that its emergency-access count starts at zero. */
    private ApiClient newSpecialist() {
        String id = "dr.bg-" + UUID.randomUUID().toString().substring(0, 8);
        ApiClient.Response created = as("admin").post("/api/v1/admin/users", Map.of("id", id,
                "displayName", "Dr Urgence", "role", "SPECIALIST", "password", "urgence-password-1",
                "specialties", List.of("cardiology")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return api().login(id, "urgence-password-1");
    }

    /** A signed note of a patient of disp-tinghir with dr.cardio, and a pending draft amendment; returns its id. */
    private String noteWithPendingDraft(String marker) {
        ApiClient nurse = as("nurse1");
        ApiClient cardio = as("dr.cardio");
        // A new patient each time, who happens to bear the same name: said so, or the likely-duplicate check refuses.
        String patient = nurse.post("/api/v1/patients", Map.of("fullName", "Haddou Syncope", "birthYear", 1950,
                "sex", "MALE", "teleconsultationConsent", true, "confirmedDistinct", true)).json().path("id").asText();
        String consultation = nurse.post("/api/v1/patients/" + patient + "/consultations", Map.of(
                "origin", "URGENT_CALL", "originRef", "call-bg-" + marker, "specialistId", "dr.cardio",
                "mode", "VIDEO")).json().path("id").asText();
        String note = cardio.post("/api/v1/consultations/" + consultation + "/notes", content(marker + "-signed"))
                .json().path("noteId").asText();
        assertThat(cardio.post("/api/v1/notes/" + note + "/signature", null).status()).isEqualTo(200);
        assertThat(cardio.post("/api/v1/notes/" + note + "/amendments", content(marker + "-draft")).status())
                .isEqualTo(201);
        return note;
    }

    @Test
    void anEmergencyAccessShowsSignedContentOnlyAndRaisesAnAlertUntilAnAdministratorReviewsIt() {
        String note = noteWithPendingDraft("alert");
        ApiClient stranger = newSpecialist();
        String strangerId = stranger.session().path("user").path("id").asText();

        ApiClient.Response glass = stranger.post("/api/v1/notes/" + note + "/break-glass", Map.of("reason", REASON));
        assertThat(glass.status()).as(glass.body()).isEqualTo(200);
        assertThat(glass.json().path("version").asInt()).isEqualTo(1);
        assertThat(glass.json().path("access").asText()).isEqualTo("BREAK_GLASS");
        assertThat(glass.json().path("sections").path("ASSESSMENT").asText()).contains("alert-signed");
        assertThat(glass.body()).doesNotContain("alert-draft");
        assertThat(stranger.post("/api/v1/notes/" + note + "/break-glass", Map.of("reason", REASON, "version", 2))
                .code()).isEqualTo("ACCESS_DENIED");

        ApiClient.Response nurse = as("nurse2").post("/api/v1/notes/" + note + "/break-glass", Map.of("reason", REASON));
        assertThat(nurse.status()).as(nurse.body()).isEqualTo(200);
        List<String> sections = iterable(nurse.json().path("sections").fieldNames());
        assertThat(sections).containsExactlyInAnyOrder("PLAN", "PRESCRIPTION", "FOLLOW_UP");

        JsonNode adminBoard = as("admin").get("/api/v1/board").json().path("alerts");
        assertThat(adminBoard.path("breakGlassOpen").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(adminBoard.path("breakGlass").findValuesAsText("actorId")).contains(strangerId, "nurse2");
        assertThat(as("coord1").get("/api/v1/board").json().has("alerts")).isFalse();

        assertThat(as("coord1").get("/api/v1/admin/break-glass?open=true").code()).isEqualTo("FORBIDDEN_ROLE");
        JsonNode open = as("admin").get("/api/v1/admin/break-glass?open=true").json();
        JsonNode access = null;
        for (JsonNode a : open) {
            if (strangerId.equals(a.path("actorId").asText())) {
                access = a;
            }
        }
        assertThat(access).as("the stranger's access awaits review").isNotNull();
        assertThat(access.path("noteId").asText()).isEqualTo(note);
        assertThat(access.path("reason").asText()).isEqualTo(REASON);
        String accessId = access.path("id").asText();

        assertThat(as("admin").post("/api/v1/admin/break-glass/" + accessId + "/review", Map.of("note", " ")).code())
                .isEqualTo("INVALID_INPUT");
        ApiClient.Response reviewed = as("admin").post("/api/v1/admin/break-glass/" + accessId + "/review",
                Map.of("note", "Confirmed with the emergency roster"));
        assertThat(reviewed.status()).as(reviewed.body()).isEqualTo(200);
        assertThat(reviewed.json().path("reviewedBy").asText()).isEqualTo("admin");
        assertThat(as("admin").get("/api/v1/admin/break-glass?open=true").json().findValuesAsText("id"))
                .doesNotContain(accessId);
        assertThat(as("admin").get("/api/v1/admin/break-glass").json().findValuesAsText("id")).contains(accessId);
        assertThat(as("admin").get("/api/v1/board").json().path("alerts").path("breakGlass").findValuesAsText("id"))
                .doesNotContain(accessId);
    }

    @Test
    void emergencyAccessIsLimitedPerUser() {
        String note = noteWithPendingDraft("limit");
        ApiClient hurried = newSpecialist();
        for (int i = 0; i < 10; i++) {
            assertThat(hurried.post("/api/v1/notes/" + note + "/break-glass", Map.of("reason", REASON)).status())
                    .isEqualTo(200);
        }
        ApiClient.Response refused = hurried.post("/api/v1/notes/" + note + "/break-glass", Map.of("reason", REASON));
        assertThat(refused.status()).as(refused.body()).isEqualTo(429);
        assertThat(refused.code()).isEqualTo("BREAK_GLASS_RATE_LIMITED");
        assertThat(newSpecialist().post("/api/v1/notes/" + note + "/break-glass", Map.of("reason", REASON)).status())
                .isEqualTo(200);
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> out = new java.util.ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }
}
