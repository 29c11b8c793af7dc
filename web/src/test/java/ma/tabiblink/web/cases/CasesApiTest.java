package ma.tabiblink.web.cases;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;

import ma.tabiblink.web.support.ApiClient;
import ma.tabiblink.web.support.JsonWebSocket;
import ma.tabiblink.web.support.WebTestSupport;

/**
 * Store-and-forward tele-expertise through the REST API, as the tablet and the specialist's browser use it: a case
 * written, a photo uploaded in chunks across a cut, sent, read by the cardiologist, claimed, asked about, answered with
 * a signed note; every refusal coded.
 */
@Timeout(120)
class CasesApiTest extends WebTestSupport {

    private static final int CHUNK = 32 * 1024;

    private static Map<String, String> key() {
        return Map.of("Idempotency-Key", UUID.randomUUID().toString());
    }

    @Test
    void aCaseTravelsFromTheTabletToTheCardiologistAndBackWithItsAnswer() throws IOException {
        ApiClient nurse = as("nurse1");
        ApiClient cardio = as("dr.cardio");
        String patient = registerConsentingPatient(nurse, "Tounsia Cas");
        Map<String, Object> body = Map.of("patientId", patient, "specialty", "cardiology", "question",
                "Dyspnée d'effort et œdèmes des chevilles", "urgency", "PRIORITY", "vitals", Map.of("systolicMmHg", 165,
                        "diastolicMmHg", 98, "glucose", Map.of("value", 1.4, "unit", "GRAMS_PER_LITRE")));
        Map<String, String> caseKey = key();
        ApiClient.Response created = nurse.post("/api/v1/cases", body, caseKey);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().at("/summary/id").asText();
        assertThat(created.json().at("/summary/status").asText()).isEqualTo("DRAFT");
        assertThat(nurse.post("/api/v1/cases", body, caseKey).json().at("/summary/id").asText()).isEqualTo(id);

        byte[] photo = noisyPng(150, 150);
        Map<String, String> uploadKey = key();
        ApiClient.Response begun = nurse.post("/api/v1/cases/" + id + "/attachments",
                Map.of("kind", "PHOTO", "bytes", photo.length), uploadKey);
        assertThat(begun.status()).as(begun.body()).isEqualTo(201);
        String attachment = begun.json().path("id").asText();
        String upload = "/api/v1/cases/" + id + "/attachments/" + attachment;
        assertThat(nurse.putBytes(upload + "?offset=0", Arrays.copyOf(photo, CHUNK), "application/octet-stream")
                .status()).isEqualTo(200);
        // The link drops after the first chunk: the tablet asks where the upload stands, and goes on from there.
        ApiClient.Response replayed = nurse.putBytes(upload + "?offset=0", Arrays.copyOf(photo, CHUNK),
                "application/octet-stream");
        assertThat(replayed.status()).isEqualTo(409);
        assertThat(replayed.code()).isEqualTo("UPLOAD_OFFSET_MISMATCH");
        assertThat(nurse.post("/api/v1/cases/" + id + "/submit", null).code()).isEqualTo("UPLOAD_INCOMPLETE");
        long at = nurse.get(upload + "/progress").json().path("received").asLong();
        assertThat(at).isEqualTo(CHUNK);
        JsonNode done = null;
        for (long offset = at; offset < photo.length; offset += CHUNK) {
            ApiClient.Response r = nurse.putBytes(upload + "?offset=" + offset, Arrays.copyOfRange(photo, (int) offset,
                    (int) Math.min(photo.length, offset + CHUNK)), "application/octet-stream");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            done = r.json();
        }
        assertThat(done.path("complete").asBoolean()).isTrue();
        assertThat(done.path("mediaType").asText()).isEqualTo("image/png");

        assertThat(cardio.get("/api/v1/cases/inbox?specialty=cardiology").json().toString()).doesNotContain(id);
        assertThat(cardio.get("/api/v1/cases/" + id).status()).isEqualTo(403);
        assertThat(nurse.post("/api/v1/cases/" + id + "/submit", null).json().path("status").asText())
                .isEqualTo("SUBMITTED");
        assertThat(cardio.get("/api/v1/cases/inbox?specialty=cardiology").json().toString()).contains(id);

        JsonNode seen = cardio.get("/api/v1/cases/" + id).json();
        assertThat(seen.path("question").asText()).isEqualTo("Dyspnée d'effort et œdèmes des chevilles");
        assertThat(seen.at("/vitals/systolicMmHg").asInt()).isEqualTo(165);
        ApiClient.BytesResponse image = cardio.getBytes(upload);
        assertThat(image.status()).isEqualTo(200);
        assertThat(image.contentType()).isEqualTo("image/png");
        assertThat(image.cacheControl()).contains("no-store");
        assertThat(pixels(image.body())).isEqualTo(pixels(photo));

        assertThat(as("coord1").get("/api/v1/board").json().at("/cases/waiting/cardiology").asLong()).isPositive();

        JsonNode claimed = cardio.post("/api/v1/cases/" + id + "/claim", null).json();
        String consultation = claimed.path("consultationId").asText();
        assertThat(consultation).startsWith("con-");
        try (JsonWebSocket tablet = signaling(nurse)) {
            assertThat(cardio.post("/api/v1/cases/" + id + "/information-requests", Map.of("text", "Poids ?")).json()
                    .path("status").asText()).isEqualTo("INFO_REQUESTED");
            JsonNode told = tablet.awaitType("case.update", Duration.ofSeconds(10));
            assertThat(told.path("caseId").asText()).isEqualTo(id);
            assertThat(told.path("status").asText()).isEqualTo("INFO_REQUESTED");
            assertThat(told.toString()).doesNotContain("Poids");
        }
        assertThat(nurse.post("/api/v1/cases/" + id + "/information", Map.of("text", "71 kg")).json()
                .path("status").asText()).isEqualTo("CLAIMED");
        assertThat(cardio.post("/api/v1/cases/" + id + "/answer", null).code()).isEqualTo("CASE_ANSWER_NOT_SIGNED");
        String note = cardio.post("/api/v1/consultations/" + consultation + "/notes", Map.of("assessment",
                "Insuffisance cardiaque probable", "plan", "Furosémide, échographie au CHP", "language", "fr"))
                .json().path("noteId").asText();
        assertThat(cardio.post("/api/v1/notes/" + note + "/signature", null).status()).isEqualTo(200);
        try (JsonWebSocket tablet = signaling(nurse)) {
            JsonNode answered = cardio.post("/api/v1/cases/" + id + "/answer", null).json();
            assertThat(answered.path("status").asText()).isEqualTo("ANSWERED");
            assertThat(tablet.awaitType("case.update", Duration.ofSeconds(10)).path("status").asText())
                    .isEqualTo("ANSWERED");
        }

        JsonNode synced = nurse.get("/api/v1/cases").json();
        assertThat(synced.toString()).contains(id).contains(note);
        assertThat(nurse.get("/api/v1/notes/" + note).json().path("sections").toString()).contains("Furosémide");
    }

    @Test
    void theSpecialistsOfTheCasesSpecialtyAreToldAtOnceAndNoOneElse() {
        ApiClient nurse = as("nurse1");
        String patient = registerConsentingPatient(nurse, "Yamna Inbox");
        try (JsonWebSocket cardiologist = signaling(as("dr.cardio"));
             JsonWebSocket dermatologist = signaling(as("dr.derm"))) {
            String cardiology = sent(nurse, patient, "cardiology");
            JsonNode told = cardiologist.awaitType("case.update", Duration.ofSeconds(10));
            assertThat(told.path("caseId").asText()).isEqualTo(cardiology);
            assertThat(told.path("status").asText()).isEqualTo("SUBMITTED");
            assertThat(told.toString()).doesNotContain("Palpitations");

            assertThat(as("dr.cardio").post("/api/v1/cases/" + cardiology + "/claim", null).status()).isEqualTo(200);
            assertThat(cardiologist.awaitType("case.update", Duration.ofSeconds(10)).path("status").asText())
                    .isEqualTo("CLAIMED");

            // Updates leave in order: the dermatologist's first is about the dermatology case, so none came before.
            String dermatology = sent(nurse, patient, "dermatology");
            assertThat(dermatologist.awaitType("case.update", Duration.ofSeconds(10)).path("caseId").asText())
                    .isEqualTo(dermatology);
        }
    }

    /** A case written and sent, without attachments; returns its id. */
    private static String sent(ApiClient nurse, String patient, String specialty) {
        String id = nurse.post("/api/v1/cases", Map.of("patientId", patient, "specialty", specialty, "question",
                "Palpitations depuis deux jours", "urgency", "ROUTINE"), key()).json().at("/summary/id").asText();
        assertThat(nurse.post("/api/v1/cases/" + id + "/submit", null).status()).isEqualTo(200);
        return id;
    }

    @Test
    void theClaimerBooksAConsultationFromTheCaseOnTheirOwnCalendar() {
        ApiClient nurse = as("nurse1");
        ApiClient cardio = as("dr.cardio");
        String patient = registerConsentingPatient(nurse, "Itto Rendez-vous");
        String id = sent(nurse, patient, "cardiology");
        List<String> free = freeSlotsOf(cardio, "dr.cardio");
        String start = free.get(new Random().nextInt(free.size()));
        String path = "/api/v1/cases/" + id + "/consultation";

        ApiClient.Response early = cardio.post(path, Map.of("start", start), key());
        assertThat(early.status()).isEqualTo(403);
        assertThat(early.code()).isEqualTo("ACCESS_DENIED");
        assertThat(cardio.post("/api/v1/cases/" + id + "/claim", null).status()).isEqualTo(200);
        assertThat(as("dr.derm").post(path, Map.of("start", start), key()).code()).isEqualTo("ACCESS_DENIED");
        assertThat(nurse.post(path, Map.of("start", start), key()).status()).isEqualTo(403);
        assertThat(cardio.post(path, Map.of("start", "tomorrow"), key()).code()).isEqualTo("INVALID_DATE");

        Map<String, String> bookingKey = key();
        JsonNode booked;
        try (JsonWebSocket tablet = signaling(nurse)) {
            ApiClient.Response response = cardio.post(path, Map.of("start", start), bookingKey);
            assertThat(response.status()).as(response.body()).isEqualTo(201);
            booked = response.json();
            JsonNode told = tablet.awaitType("case.update", Duration.ofSeconds(10));
            assertThat(told.path("caseId").asText()).isEqualTo(id);
            assertThat(told.path("status").asText()).isEqualTo("CLAIMED");
        }
        String appointmentId = booked.path("appointmentId").asText();
        assertThat(booked.at("/caseSummary/status").asText()).isEqualTo("CLAIMED");
        assertThat(booked.at("/caseSummary/consultationAppointmentId").asText()).isEqualTo(appointmentId);

        JsonNode appointment = cardio.get("/api/v1/appointments/" + appointmentId).json();
        assertThat(appointment.path("status").asText()).isEqualTo("booked");
        assertThat(appointment.path("specialistId").asText()).isEqualTo("dr.cardio");
        assertThat(appointment.path("patientRef").asText()).isEqualTo(patient);
        String dispensary = booked.at("/caseSummary/dispensaryId").asText();
        assertThat(appointment.path("dispensaryId").asText()).isEqualTo(dispensary);
        assertThat(nurse.get("/api/v1/appointments/" + appointmentId).status()).isEqualTo(200);

        ApiClient.Response retried = cardio.post(path, Map.of("start", start), bookingKey);
        assertThat(retried.json().path("appointmentId").asText()).isEqualTo(appointmentId);
        JsonNode seen = nurse.get("/api/v1/cases/" + id).json();
        assertThat(seen.path("messages").findValuesAsText("kind")).containsOnlyOnce("CONSULTATION_BOOKED");
        assertThat(seen.path("messages").findValuesAsText("appointmentId")).contains(appointmentId);
        assertThat(nurse.get("/api/v1/cases").json().toString()).contains(appointmentId);

        ApiClient.Response taken = cardio.post(path, Map.of("start", start), key());
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.code()).isEqualTo("SLOT_TAKEN");
    }

    @Test
    void theClaimerAsksTheNurseForACallNowAndHerTabletIsTold() {
        ApiClient nurse = as("nurse1");
        ApiClient cardio = as("dr.cardio");
        String patient = registerConsentingPatient(nurse, "Zahra Appel");
        String id = sent(nurse, patient, "cardiology");
        String path = "/api/v1/cases/" + id + "/call-request";
        assertThat(cardio.post(path, null).code()).isEqualTo("ACCESS_DENIED");
        assertThat(cardio.post("/api/v1/cases/" + id + "/claim", null).status()).isEqualTo(200);
        assertThat(nurse.post(path, null).status()).isEqualTo(403);
        assertThat(as("dr.derm").post(path, null).code()).isEqualTo("ACCESS_DENIED");
        try (JsonWebSocket tablet = signaling(nurse)) {
            ApiClient.Response asked = cardio.post(path, null);
            assertThat(asked.status()).as(asked.body()).isEqualTo(200);
            assertThat(asked.json().path("status").asText()).isEqualTo("CLAIMED");
            assertThat(asked.json().path("callRequestedAt").asText()).isNotBlank();
            JsonNode told = tablet.awaitType("case.update", Duration.ofSeconds(10));
            assertThat(told.path("caseId").asText()).isEqualTo(id);
        }
        JsonNode listed = nurse.get("/api/v1/cases").json();
        JsonNode mine = null;
        for (JsonNode c : listed) {
            if (c.path("id").asText().equals(id)) {
                mine = c;
            }
        }
        assertThat(mine).isNotNull();
        assertThat(mine.path("callRequestedAt").asText()).isNotBlank();
        assertThat(nurse.get("/api/v1/cases/" + id).json().path("messages").findValuesAsText("kind"))
                .contains("CALL_REQUESTED");
    }

    private static List<String> freeSlotsOf(ApiClient specialist, String id) {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        JsonNode slots = specialist.get("/api/v1/slots?specialist=" + id + "&from=" + today + "&to="
                + today.plusDays(14)).json();
        List<String> starts = slots.findValuesAsText("start");
        assertThat(starts).isNotEmpty();
        return starts;
    }

    @Test
    void everyRefusalIsCoded() throws IOException {
        ApiClient nurse = as("nurse1");
        String patient = registerConsentingPatient(nurse, "Moha Refus");
        String id = nurse.post("/api/v1/cases", Map.of("patientId", patient, "specialty", "cardiology", "question",
                "q", "urgency", "ROUTINE"), key()).json().at("/summary/id").asText();

        ApiClient.Response noKey = nurse.post("/api/v1/cases", Map.of("patientId", patient, "specialty",
                "cardiology", "question", "q", "urgency", "ROUTINE"));
        assertThat(noKey.status()).isEqualTo(400);
        assertThat(noKey.code()).isNotBlank();
        assertThat(nurse.post("/api/v1/cases", Map.of("patientId", patient, "specialty", "astrology", "question", "q",
                "urgency", "ROUTINE"), key()).code()).isEqualTo("UNKNOWN_SPECIALTY");
        ApiClient.Response badVitals = nurse.post("/api/v1/cases", Map.of("patientId", patient, "specialty",
                "cardiology", "question", "q", "urgency", "ROUTINE", "vitals", Map.of("temperatureCelsius", 375)), key());
        assertThat(badVitals.status()).isEqualTo(400);
        assertThat(badVitals.body()).contains("temperatureCelsius");

        ApiClient.Response tooBig = nurse.post("/api/v1/cases/" + id + "/attachments",
                Map.of("kind", "PHOTO", "bytes", 5_000_000), key());
        assertThat(tooBig.status()).isEqualTo(413);
        assertThat(tooBig.code()).isEqualTo("ATTACHMENT_TOO_LARGE");
        byte[] pdf = ("%PDF-1.4\n" + "x".repeat(900)).getBytes(StandardCharsets.US_ASCII);
        String attachment = nurse.post("/api/v1/cases/" + id + "/attachments",
                Map.of("kind", "PHOTO", "bytes", pdf.length), key()).json().path("id").asText();
        ApiClient.Response refused = nurse.putBytes("/api/v1/cases/" + id + "/attachments/" + attachment
                + "?offset=0", pdf, "application/octet-stream");
        assertThat(refused.status()).isEqualTo(415);
        assertThat(refused.code()).isEqualTo("ATTACHMENT_TYPE_REFUSED");
        ApiClient.Response wrongType = nurse.putBytes("/api/v1/cases/" + id + "/attachments/" + attachment
                + "?offset=0", pdf, "text/plain");
        assertThat(wrongType.status()).isEqualTo(415);
        assertThat(wrongType.code()).isNotBlank();

        assertThat(as("nurse2").get("/api/v1/cases/" + id).code()).isEqualTo("ACCESS_DENIED");
        assertThat(as("dr.derm").get("/api/v1/cases/inbox?specialty=cardiology").code()).isEqualTo("ACCESS_DENIED");
        assertThat(as("coord1").get("/api/v1/cases/" + id).status()).isEqualTo(403);
        assertThat(as("dr.cardio").post("/api/v1/cases", Map.of("patientId", patient, "specialty", "cardiology",
                "question", "q", "urgency", "ROUTINE"), key()).status()).isEqualTo(403);
        assertThat(nurse.get("/api/v1/cases/case-nothere").code()).isEqualTo("CASE_NOT_FOUND");
        assertThat(api().get("/api/v1/cases/" + id).status()).isEqualTo(401);
    }

    private static byte[] noisyPng(int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(42);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    private static int[] pixels(byte[] png) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }
}
