package ma.tabiblink.web.apidocs;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import ma.tabiblink.web.support.WebTestSupport;

/**
 * The OpenAPI document is true: every operation it lists is called for real, as the role it is meant for, and the
 * answer must be the status the document gives for it, with a body of the documented schema and media type; every
 * operation that needs a token documents the coded 401 it really answers without one. An operation added without a
 * sample here fails the test, so the document cannot drift from the server unnoticed.
 */
@Timeout(300)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiDocumentIsTrueTest extends WebTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    /** A Monday three weeks ahead, dermatology: no other test of this application books there. */
    private static final LocalDate DAY = LocalDate.now(ZoneId.of("Africa/Casablanca"))
            .with(TemporalAdjusters.next(DayOfWeek.MONDAY)).plusWeeks(3);

    /** A small real PNG, the photo of the case samples. */
    private static final byte[] PHOTO = png();

    private JsonNode document;
    private final Map<String, String> tokens = new LinkedHashMap<>();
    /** Values created by earlier samples and used by later ones. */
    private final Map<String, String> made = new LinkedHashMap<>();

    /** A real request: who sends it (null: nobody signed in), what, and the status it is meant to get. */
    private record Call(String user, String method, String path, Object body, Map<String, String> headers,
                        int expected) {
    }

    private record Answer(int status, String contentType, String body) {

        String json(String field) {
            return jsonField(body, field);
        }
    }

    @BeforeAll
    void readTheDocument() throws IOException {
        document = JSON.readTree(api().get("/v3/api-docs").body());
    }

    @Test
    void theDocumentHasNoInternalParameterABearerSchemeAndErrorResponses() {
        assertThat(document.at("/components/securitySchemes/bearer/scheme").asText()).isEqualTo("bearer");
        assertThat(document.at("/security/0").has("bearer")).isTrue();
        assertThat(document.at("/components/schemas/ErrorBody/properties").has("code")).isTrue();
        forEachOperation((key, operation) -> {
            for (JsonNode parameter : operation.path("parameters")) {
                assertThat(parameter.path("name").asText()).as(key).isNotEqualTo("user");
                if (parameter.path("name").asText().equals("Idempotency-Key")) {
                    // Optional for a registration (without one, a retry may register twice); required elsewhere.
                    assertThat(parameter.path("required").asBoolean()).as(key + " Idempotency-Key")
                            .isEqualTo(!key.equals("POST /api/v1/patients"));
                }
            }
            JsonNode responses = operation.path("responses");
            assertThat(responses.has("4XX") && responses.has("5XX")).as(key + " documents its errors").isTrue();
            assertThat(responses.path("4XX").at("/content/application~1json/schema/$ref").asText())
                    .isEqualTo("#/components/schemas/ErrorBody");
        });
        assertThat(document.at("/paths/~1api~1v1~1auth~1logout/post/responses").has("204")).isTrue();
        assertThat(document.at("/paths/~1api~1v1~1auth~1logout/post/responses").has("200")).isFalse();
        for (String booking : List.of("/api/v1/holds", "/api/v1/appointments", "/api/v1/waitlist")) {
            assertThat(document.path("paths").path(booking).path("post").path("parameters").toString())
                    .as(booking).contains("\"name\":\"Idempotency-Key\"").contains("\"required\":true");
        }
        assertThat(document.path("paths").has("/error")).isFalse();
    }

    @Test
    void everyOperationAnswersAsTheDocumentSays() throws Exception {
        Map<String, Supplier<Call>> samples = samples();
        Set<String> documented = new TreeSet<>();
        forEachOperation((key, operation) -> documented.add(key));
        assertThat(samples.keySet()).as("operations without a sample in this test").containsAll(documented);
        assertThat(documented).as("samples of operations the document does not list").containsAll(samples.keySet());

        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Supplier<Call>> sample : samples.entrySet()) {
            String key = sample.getKey();
            JsonNode operation = operation(key);
            Call call = sample.getValue().get();
            Answer answer = send(call);
            if (answer.status() != call.expected()) {
                problems.add(key + ": the sample expected " + call.expected() + " but got " + answer.status() + " "
                        + answer.body());
            }
            check(key, operation, answer, problems);

            boolean secured = !operation.has("security") || !operation.path("security").isEmpty();
            if (secured) {
                Answer anonymous = send(new Call(null, call.method(), call.path(), call.body(), call.headers(), 401));
                if (anonymous.status() != 401) {
                    problems.add(key + ": without a token it answered " + anonymous.status() + ", not 401");
                }
                check(key + " (no token)", operation, anonymous, problems);
            }
        }
        assertThat(problems).as("answers that differ from the OpenAPI document").isEmpty();
    }

    /** The calls, in an order where each can use what the earlier ones made. */
    private Map<String, Supplier<Call>> samples() {
        Map<String, Supplier<Call>> s = new LinkedHashMap<>();
        String patient = "Itto Openapi";
        // Sign-in and the caller's own profile.
        s.put("POST /api/v1/auth/login", () -> call(null, "POST", "/api/v1/auth/login",
                Map.of("username", "nurse2", "password", "demo1234"), 200));
        s.put("POST /api/v1/auth/refresh", () -> {
            JsonNode session = api().login("nurse2", "demo1234").session();
            return call(null, "POST", "/api/v1/auth/refresh", Map.of("refreshToken", session.path("refreshToken").asText()), 200);
        });
        s.put("POST /api/v1/auth/ticket", () -> call("nurse1", "POST", "/api/v1/auth/ticket",
                Map.of("socket", "signal"), 200));
        s.put("GET /api/v1/me", () -> call("nurse1", "GET", "/api/v1/me", null, 200));
        s.put("GET /api/v1/video/ice-servers", () -> call("nurse1", "GET", "/api/v1/video/ice-servers", null, 200));
        s.put("PUT /api/v1/me/language", () -> call("nurse2", "PUT", "/api/v1/me/language", Map.of("language", "fr"), 204));
        s.put("GET /api/v1/config", () -> call("nurse1", "GET", "/api/v1/config", null, 200));
        s.put("GET /api/v1/specialties", () -> call("coord1", "GET", "/api/v1/specialties", null, 200));
        s.put("GET /api/v1/specialties/availability",
                () -> call("nurse1", "GET", "/api/v1/specialties/availability", null, 200));
        s.put("GET /api/v1/dispensaries", () -> call("coord1", "GET", "/api/v1/dispensaries", null, 200));
        s.put("GET /api/v1/staff", () -> call("coord1", "GET", "/api/v1/staff", null, 200));
        s.put("GET /api/v1/board", () -> call("coord1", "GET", "/api/v1/board", null, 200));

        // Patients, consultations and notes.
        s.put("POST /api/v1/patients", () -> call("nurse1", "POST", "/api/v1/patients", Map.of("fullName", patient,
                "birthYear", 1971, "sex", "FEMALE", "preferredLanguage", "ar", "teleconsultationConsent", true),
                Map.of("Idempotency-Key", "openapi-patient-1"), 201));
        s.put("GET /api/v1/patients", () -> call("nurse1", "GET", "/api/v1/patients?dispensaryId=disp-tinghir&q=openapi", null, 200));
        s.put("GET /api/v1/patients/{id}", () -> call("nurse1", "GET", "/api/v1/patients/" + made("patient"), null, 200));
        s.put("PUT /api/v1/patients/{id}/consent", () -> call("nurse1", "PUT", "/api/v1/patients/" + made("patient")
                + "/consent", Map.of("teleconsultation", true), 200));
        s.put("POST /api/v1/patients/{id}/consultations", () -> call("nurse1", "POST", "/api/v1/patients/"
                + made("patient") + "/consultations", Map.of("origin", "URGENT_CALL", "originRef", "call-openapi-1",
                "specialistId", "dr.cardio", "mode", "VIDEO"), 201));
        s.put("GET /api/v1/patients/{id}/consultations", () -> call("dr.cardio", "GET", "/api/v1/patients/"
                + made("patient") + "/consultations", null, 200));
        s.put("GET /api/v1/consultations/{id}", () -> call("dr.cardio", "GET", "/api/v1/consultations/"
                + made("consultation"), null, 200));
        s.put("PATCH /api/v1/consultations/{id}", () -> call("dr.cardio", "PATCH", "/api/v1/consultations/"
                + made("consultation"), Map.of("status", "IN_PROGRESS", "mode", "AUDIO"), 200));
        s.put("POST /api/v1/consultations/{id}/notes", () -> call("dr.cardio", "POST", "/api/v1/consultations/"
                + made("consultation") + "/notes", note("first"), 201));
        s.put("GET /api/v1/consultations/{id}/notes", () -> call("dr.cardio", "GET", "/api/v1/consultations/"
                + made("consultation") + "/notes", null, 200));
        s.put("POST /api/v1/notes/{id}/signature", () -> call("dr.cardio", "POST", "/api/v1/notes/" + made("note")
                + "/signature", null, 200));
        s.put("GET /api/v1/notes/{id}/signature", () -> call("dr.cardio", "GET", "/api/v1/notes/" + made("note")
                + "/signature?version=1", null, 200));
        s.put("POST /api/v1/notes/{id}/amendments", () -> call("dr.cardio", "POST", "/api/v1/notes/" + made("note")
                + "/amendments", note("second"), 201));
        s.put("GET /api/v1/notes/{id}", () -> call("dr.cardio", "GET", "/api/v1/notes/" + made("note"), null, 200));
        s.put("POST /api/v1/notes/{id}/break-glass", () -> call("dr.pedia", "POST", "/api/v1/notes/" + made("note")
                + "/break-glass", Map.of("reason", "Transferred unconscious to our ward", "version", 1), 200));
        s.put("GET /api/v1/admin/break-glass", () -> call("admin", "GET", "/api/v1/admin/break-glass?open=true", null, 200));
        s.put("POST /api/v1/admin/break-glass/{id}/review", () -> {
            String list = send(call("admin", "GET", "/api/v1/admin/break-glass?open=true", null, 200)).body();
            String id;
            try {
                id = JSON.readTree(list).path(0).path("id").asText();
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + list, e);
            }
            return call("admin", "POST", "/api/v1/admin/break-glass/" + id + "/review",
                    Map.of("note", "Transfer confirmed with the ward; access justified"), 200);
        });
        s.put("GET /api/v1/patients/{id}/notes", () -> call("dr.cardio", "GET", "/api/v1/patients/" + made("patient")
                + "/notes", null, 200));
        s.put("GET /api/v1/patients/{id}/fhir", () -> call("dr.cardio", "GET", "/api/v1/patients/" + made("patient")
                + "/fhir", null, 200));
        s.put("GET /api/v1/specialists/{id}/signing-key", () -> call("dr.cardio", "GET",
                "/api/v1/specialists/dr.cardio/signing-key", null, 200));

        // Store-and-forward cases: written, a photo uploaded, sent, claimed, asked about, handed back.
        s.put("POST /api/v1/cases", () -> call("nurse1", "POST", "/api/v1/cases", Map.of("patientId", made("patient"),
                "specialty", "cardiology", "question", "Essoufflement à l'effort", "urgency", "URGENT", "vitals",
                Map.of("systolicMmHg", 150, "diastolicMmHg", 95, "heartRatePerMinute", 92)),
                Map.of("Idempotency-Key", UUID.randomUUID().toString()), 201));
        s.put("GET /api/v1/cases", () -> call("nurse1", "GET", "/api/v1/cases", null, 200));
        s.put("POST /api/v1/cases/{id}/attachments", () -> call("nurse1", "POST", "/api/v1/cases/" + made("case")
                + "/attachments", Map.of("kind", "PHOTO", "bytes", PHOTO.length),
                Map.of("Idempotency-Key", UUID.randomUUID().toString()), 201));
        s.put("PUT /api/v1/cases/{id}/attachments/{attachmentId}", () -> call("nurse1", "PUT", "/api/v1/cases/"
                + made("case") + "/attachments/" + made("attachment") + "?offset=0", PHOTO,
                Map.of("Content-Type", "application/octet-stream"), 200));
        s.put("GET /api/v1/cases/{id}/attachments/{attachmentId}/progress", () -> call("nurse1", "GET",
                "/api/v1/cases/" + made("case") + "/attachments/" + made("attachment") + "/progress", null, 200));
        s.put("POST /api/v1/cases/{id}/submit", () -> call("nurse1", "POST", "/api/v1/cases/" + made("case")
                + "/submit", null, 200));
        s.put("GET /api/v1/cases/inbox", () -> call("dr.cardio", "GET", "/api/v1/cases/inbox?specialty=cardiology",
                null, 200));
        s.put("GET /api/v1/cases/{id}", () -> call("dr.cardio", "GET", "/api/v1/cases/" + made("case"), null, 200));
        s.put("GET /api/v1/cases/{id}/fhir", () -> call("dr.cardio", "GET", "/api/v1/cases/" + made("case")
                + "/fhir", null, 200));
        s.put("GET /api/v1/cases/{id}/attachments/{attachmentId}", () -> call("dr.cardio", "GET", "/api/v1/cases/"
                + made("case") + "/attachments/" + made("attachment"), null, 200));
        s.put("POST /api/v1/cases/{id}/claim", () -> call("dr.cardio", "POST", "/api/v1/cases/" + made("case")
                + "/claim", null, 200));
        s.put("POST /api/v1/cases/{id}/information-requests", () -> call("dr.cardio", "POST", "/api/v1/cases/"
                + made("case") + "/information-requests", Map.of("text", "Des œdèmes des chevilles ?"), 200));
        s.put("POST /api/v1/cases/{id}/information", () -> call("nurse1", "POST", "/api/v1/cases/" + made("case")
                + "/information", Map.of("text", "Oui, bilatéraux"), 200));
        s.put("POST /api/v1/cases/{id}/consultation", () -> call("dr.cardio", "POST", "/api/v1/cases/" + made("case")
                + "/consultation", Map.of("start", cardiologySlot()), Map.of("Idempotency-Key",
                UUID.randomUUID().toString()), 201));
        s.put("POST /api/v1/cases/{id}/call-request", () -> call("dr.cardio", "POST", "/api/v1/cases/"
                + made("case") + "/call-request", null, 200));
        s.put("GET /api/v1/cases/claimed", () -> call("dr.cardio", "GET", "/api/v1/cases/claimed", null, 200));
        s.put("POST /api/v1/cases/{id}/answer", () -> call("dr.cardio", "POST", "/api/v1/cases/" + made("case")
                + "/answer", null, 409));
        s.put("GET /api/v1/cases/overdue", () -> call("coord1", "GET", "/api/v1/cases/overdue", null, 200));
        s.put("POST /api/v1/cases/{id}/release", () -> call("coord1", "POST", "/api/v1/cases/" + made("case")
                + "/release", null, 200));

        // Scheduling.
        String range = "specialty=dermatology&from=" + DAY + "&to=" + DAY;
        s.put("GET /api/v1/slots", () -> call("coord1", "GET", "/api/v1/slots?" + range, null, 200));
        s.put("POST /api/v1/holds", () -> booking("/api/v1/holds", 0, 201));
        s.put("POST /api/v1/holds/{id}/confirm", () -> call("coord1", "POST", "/api/v1/holds/" + made("hold")
                + "/confirm", null, 200));
        s.put("POST /api/v1/appointments", () -> booking("/api/v1/appointments", 1, 201));
        s.put("GET /api/v1/appointments/{id}", () -> call("coord1", "GET", "/api/v1/appointments/"
                + made("appointment"), null, 200));
        s.put("GET /api/v1/appointments", () -> call("coord1", "GET", "/api/v1/appointments?date=" + DAY, null, 200));
        s.put("POST /api/v1/appointments/{id}/reschedule", () -> call("coord1", "POST", "/api/v1/appointments/"
                + made("appointment") + "/reschedule", Map.of("specialistId", "dr.derm", "start", slot(2)), 200));
        s.put("POST /api/v1/appointments/{id}/check-in", () -> call("nurse1", "POST", "/api/v1/appointments/"
                + made("appointment") + "/check-in", null, 200));
        s.put("POST /api/v1/appointments/{id}/fulfil", () -> call("dr.derm", "POST", "/api/v1/appointments/"
                + made("appointment") + "/fulfil", null, 200));
        s.put("POST /api/v1/appointments/{id}/no-show", () -> call("coord1", "POST", "/api/v1/appointments/"
                + made("hold") + "/no-show", null, 409));
        s.put("POST /api/v1/appointments/{id}/cancel", () -> call("coord1", "POST", "/api/v1/appointments/"
                + made("hold") + "/cancel", Map.of("reason", "patient recovered"), 200));
        s.put("POST /api/v1/appointments/{id}/entered-in-error", () -> {
            String id = send(booking("/api/v1/appointments", 3, 201)).json("id");
            return call("coord1", "POST", "/api/v1/appointments/" + id + "/entered-in-error",
                    Map.of("reason", "booked for the wrong patient"), 200);
        });
        s.put("POST /api/v1/waitlist", () -> call("coord1", "POST", "/api/v1/waitlist", Map.of("specialty", "dermatology",
                "from", DAY.toString(), "to", DAY.plusDays(7).toString(), "patientRef", made("patient"),
                "dispensaryId", "disp-tinghir"), Map.of("Idempotency-Key", UUID.randomUUID().toString()), 201));
        s.put("GET /api/v1/waitlist", () -> call("coord1", "GET", "/api/v1/waitlist?specialty=dermatology", null, 200));
        s.put("GET /api/v1/specialists", () -> call("coord1", "GET", "/api/v1/specialists?specialty=dermatology", null, 200));
        s.put("GET /api/v1/specialists/{id}/calendar.ics", () -> call("dr.derm", "GET",
                "/api/v1/specialists/dr.derm/calendar.ics", null, 200));
        s.put("GET /api/v1/me/calendar-feed", () -> call("dr.derm", "GET", "/api/v1/me/calendar-feed", null, 200));
        s.put("POST /api/v1/me/calendar-feed", () -> call("dr.derm", "POST", "/api/v1/me/calendar-feed", null, 201));
        s.put("GET /calendar/{secret}.ics", () -> call(null, "GET", "/calendar/" + "A".repeat(43) + ".ics", null, 404));
        s.put("DELETE /api/v1/me/calendar-feed", () -> call("dr.derm", "DELETE", "/api/v1/me/calendar-feed", null, 204));
        s.put("DELETE /api/v1/specialists/{id}/calendar-feed", () -> call("admin", "DELETE",
                "/api/v1/specialists/dr.derm/calendar-feed", null, 404));

        // Administration, then the new specialist's schedule (a specialty no other test books).
        s.put("POST /api/v1/admin/users", () -> call("admin", "POST", "/api/v1/admin/users", Map.of("id", "dr.openapi",
                "displayName", "Dr. Open API", "role", "SPECIALIST", "password", "openapi-password-2026",
                "specialties", List.of("ent"), "language", "fr"), 201));
        s.put("PUT /api/v1/admin/users/{id}/role", () -> call("admin", "PUT", "/api/v1/admin/users/dr.openapi/role",
                Map.of("role", "SPECIALIST", "specialties", List.of("ent", "dermatology")), 200));
        s.put("PUT /api/v1/admin/users/{id}/enabled", () -> call("admin", "PUT", "/api/v1/admin/users/dr.openapi/enabled",
                Map.of("enabled", true), 200));
        s.put("POST /api/v1/admin/dispensaries", () -> call("admin", "POST", "/api/v1/admin/dispensaries",
                Map.of("id", "disp-openapi", "name", "Dispensaire OpenAPI", "province", "Ouarzazate"), 201));
        s.put("POST /api/v1/admin/specialties", () -> call("admin", "POST", "/api/v1/admin/specialties",
                Map.of("code", "geriatrics"), 201));
        s.put("GET /api/v1/admin/keys", () -> call("admin", "GET", "/api/v1/admin/keys", null, 200));
        s.put("PUT /api/v1/specialists/{id}/availability", () -> call("coord1", "PUT",
                "/api/v1/specialists/dr.openapi/availability", Map.of("specialties", List.of("ent"),
                        "zone", "Africa/Casablanca", "weekly", List.of(Map.of("day", "TUESDAY", "start", "09:00",
                                "end", "12:00"))), 200));
        s.put("GET /api/v1/specialists/{id}/availability", () -> call("coord1", "GET",
                "/api/v1/specialists/dr.openapi/availability", null, 200));
        s.put("POST /api/v1/specialists/{id}/availability/exceptions", () -> call("coord1", "POST",
                "/api/v1/specialists/dr.openapi/availability/exceptions", Map.of("date", DAY.plusDays(1).toString(),
                        "hours", List.of(), "reason", "congé"), 200));
        s.put("PUT /api/v1/specialties/{code}/slot-policy", () -> call("coord1", "PUT",
                "/api/v1/specialties/ent/slot-policy", Map.of("slotMinutes", 30, "bufferMinutes", 10, "capacity", 1), 200));
        s.put("GET /api/v1/specialties/{code}/slot-policy", () -> call("coord1", "GET",
                "/api/v1/specialties/ent/slot-policy", null, 200));

        // Audit.
        s.put("POST /api/v1/audit/verify", () -> call("admin", "POST", "/api/v1/audit/verify", null, 200));
        s.put("GET /api/v1/audit/checkpoint", () -> call("admin", "GET", "/api/v1/audit/checkpoint", null, 200));
        s.put("GET /api/v1/audit/events", () -> call("admin", "GET", "/api/v1/audit/events?limit=5", null, 200));

        // Guests' links (no Jitsi here: an unknown link), and last, signing out.
        s.put("GET /jitsi/guest/{ticket}", () -> call(null, "GET", "/jitsi/guest/" + "A".repeat(43), null, 404));
        s.put("POST /api/v1/auth/logout", () -> call("nurse2", "POST", "/api/v1/auth/logout",
                Map.of("refreshToken", sessionOf("nurse2").path("refreshToken").asText()), 204));
        return s;
    }

    private static byte[] png() {
        try {
            BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
            image.setRGB(5, 5, 0xC04030);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> note(String text) {
        return Map.of("reason", "Chest pain " + text, "findings", "BP 150/95", "plan", "ECG", "language", "fr");
    }

    private Call booking(String path, int slot, int expected) {
        Map<String, Object> body = Map.of("specialistId", "dr.derm", "specialty", "dermatology", "start", slot(slot),
                "patientRef", made("patient"), "dispensaryId", "disp-tinghir");
        return call("coord1", "POST", path, body, Map.of("Idempotency-Key", UUID.randomUUID().toString()), expected);
    }

    /**
     * The start of the cardiologist's last free slot of the day: the same patient's dermatology samples take the
     * first ones, and a patient is not booked twice at the same time.
     */
    private String cardiologySlot() {
        try {
            JsonNode slots = JSON.readTree(as("dr.cardio").get("/api/v1/slots?specialist=dr.cardio&from=" + DAY
                    + "&to=" + DAY).body());
            return slots.get(slots.size() - 1).path("start").asText();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The start of the n-th free dermatology slot of the day, as the slot search gave it first. */
    private String slot(int n) {
        if (!made.containsKey("slots")) {
            made.put("slots", as("coord1").get("/api/v1/slots?specialty=dermatology&from=" + DAY + "&to=" + DAY).body());
        }
        try {
            return JSON.readTree(made.get("slots")).get(n).path("start").asText();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String made(String what) {
        String value = made.get(what);
        if (value == null) {
            throw new IllegalStateException("no " + what + " made by an earlier sample");
        }
        return value;
    }

    private Call call(String user, String method, String path, Object body, int expected) {
        return call(user, method, path, body, Map.of(), expected);
    }

    private Call call(String user, String method, String path, Object body, Map<String, String> headers, int expected) {
        return new Call(user, method, path, body, headers, expected);
    }

    private JsonNode sessionOf(String user) {
        return api().login(user, "demo1234").session();
    }

    private Answer send(Call call) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + call.path()))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .method(call.method(), call.body() == null ? HttpRequest.BodyPublishers.noBody()
                            : call.body() instanceof byte[] bytes ? HttpRequest.BodyPublishers.ofByteArray(bytes)
                            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(call.body())));
            if (call.user() != null) {
                String token = tokens.computeIfAbsent(call.user(), u -> as(u).accessToken());
                request.header("Authorization", "Bearer " + token);
            }
            call.headers().forEach(request::setHeader);
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            Answer answer = new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body());
            remember(call, answer);
            return answer;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Keeps the ids that later samples need. */
    private void remember(Call call, Answer answer) {
        if (answer.status() / 100 != 2 || call.user() == null) {
            return;
        }
        String path = call.path();
        if (path.equals("/api/v1/patients") && call.method().equals("POST")) {
            made.put("patient", answer.json("id"));
        } else if (path.endsWith("/consultations") && call.method().equals("POST")) {
            made.put("consultation", answer.json("id"));
        } else if (path.endsWith("/notes") && call.method().equals("POST")) {
            made.put("note", answer.json("noteId"));
        } else if (path.equals("/api/v1/cases") && call.method().equals("POST")) {
            made.put("case", jsonAt(answer.body(), "/summary/id"));
        } else if (path.endsWith("/attachments") && call.method().equals("POST")) {
            made.put("attachment", answer.json("id"));
        } else if (path.equals("/api/v1/holds")) {
            made.put("hold", answer.json("id"));
        } else if (path.equals("/api/v1/appointments") && call.method().equals("POST") && !made.containsKey("appointment")) {
            made.put("appointment", answer.json("id"));
        }
    }

    // ------------------------------------------------------------------ the document

    private interface OperationVisitor {
        void visit(String key, JsonNode operation);
    }

    private void forEachOperation(OperationVisitor visitor) {
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                visitor.visit(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(), op.getValue());
            }
        }
    }

    private JsonNode operation(String key) {
        String[] parts = key.split(" ", 2);
        return document.path("paths").path(parts[1]).path(parts[0].toLowerCase(Locale.ROOT));
    }

    /** The answer's status is documented, and its body has the documented media type and schema. */
    private void check(String key, JsonNode operation, Answer answer, List<String> problems) {
        JsonNode responses = operation.path("responses");
        String status = Integer.toString(answer.status());
        JsonNode documented = responses.has(status) ? responses.get(status)
                : responses.has(status.charAt(0) + "XX") ? responses.get(status.charAt(0) + "XX")
                : responses.get("default");
        if (documented == null) {
            problems.add(key + ": answered " + status + ", which is not documented (" + fieldNames(responses) + ")");
            return;
        }
        JsonNode content = documented.path("content");
        if (content.isEmpty()) {
            if (!answer.body().isEmpty()) {
                problems.add(key + ": " + status + " is documented without a body but has one");
            }
            return;
        }
        String mediaType = answer.contentType().split(";")[0].strip();
        JsonNode media = content.has(mediaType) ? content.get(mediaType) : content.get("*/*");
        if (media == null) {
            problems.add(key + ": " + status + " came as " + mediaType + ", documented " + fieldNames(content));
            return;
        }
        JsonNode schema = media.path("schema");
        if (!mediaType.endsWith("json")) {
            if (!schema.path("type").asText("string").equals("string")) {
                problems.add(key + ": " + mediaType + " documented as " + schema);
            }
            return;
        }
        try {
            conforms(key + " " + status, JSON.readTree(answer.body()), schema, problems, 0);
        } catch (IOException e) {
            problems.add(key + ": " + status + " is not JSON: " + answer.body());
        }
    }

    private void conforms(String where, JsonNode value, JsonNode schema, List<String> problems, int depth) {
        schema = resolve(schema);
        if (depth > 12 || schema.isMissingNode() || schema.isEmpty()) {
            return;
        }
        for (String combinator : List.of("oneOf", "anyOf")) {
            if (schema.has(combinator)) {
                for (JsonNode option : schema.get(combinator)) {
                    List<String> attempt = new ArrayList<>();
                    conforms(where, value, option, attempt, depth + 1);
                    if (attempt.isEmpty()) {
                        return;
                    }
                }
                problems.add(where + ": matches none of " + combinator);
                return;
            }
        }
        if (schema.has("allOf")) {
            schema.get("allOf").forEach(part -> conforms(where, value, part, problems, depth + 1));
        }
        String type = schema.path("type").asText(schema.has("properties") ? "object" : "");
        if (value.isNull()) {
            return;
        }
        switch (type) {
            case "object" -> {
                if (!value.isObject()) {
                    problems.add(where + ": expected an object, got " + value.getNodeType());
                    return;
                }
                for (JsonNode required : schema.path("required")) {
                    if (!value.has(required.asText())) {
                        problems.add(where + ": required property '" + required.asText() + "' is missing");
                    }
                }
                JsonNode properties = schema.path("properties");
                JsonNode additional = schema.path("additionalProperties");
                for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    if (properties.has(field.getKey())) {
                        conforms(where + "." + field.getKey(), field.getValue(), properties.get(field.getKey()),
                                problems, depth + 1);
                    } else if (additional.isObject()) {
                        conforms(where + "." + field.getKey(), field.getValue(), additional, problems, depth + 1);
                    } else if (!properties.isMissingNode() && !additional.asBoolean(false)) {
                        problems.add(where + ": property '" + field.getKey() + "' is not documented");
                    }
                }
            }
            case "array" -> {
                if (!value.isArray()) {
                    problems.add(where + ": expected an array, got " + value.getNodeType());
                    return;
                }
                int i = 0;
                for (JsonNode item : value) {
                    if (i++ < 5) {
                        conforms(where + "[]", item, schema.path("items"), problems, depth + 1);
                    }
                }
            }
            case "string" -> {
                if (!value.isTextual()) {
                    problems.add(where + ": expected a string, got " + value.getNodeType());
                } else if (schema.has("enum") && !schema.get("enum").toString().contains("\"" + value.asText() + "\"")) {
                    problems.add(where + ": '" + value.asText() + "' is not one of " + schema.get("enum"));
                }
            }
            case "integer" -> {
                if (!value.isIntegralNumber()) {
                    problems.add(where + ": expected an integer, got " + value.getNodeType());
                }
            }
            case "number" -> {
                if (!value.isNumber()) {
                    problems.add(where + ": expected a number, got " + value.getNodeType());
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    problems.add(where + ": expected a boolean, got " + value.getNodeType());
                }
            }
            default -> {
                // No type: anything goes.
            }
        }
    }

    private JsonNode resolve(JsonNode schema) {
        while (schema.has("$ref")) {
            schema = document.at(schema.get("$ref").asText().substring(1));
        }
        return schema;
    }

    private static String fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return String.join(", ", names);
    }

    private static String jsonAt(String body, String pointer) {
        try {
            return JSON.readTree(body).at(pointer).asText();
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    private static String jsonField(String body, String field) {
        try {
            return JSON.readTree(body).path(field).asText();
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }
}
