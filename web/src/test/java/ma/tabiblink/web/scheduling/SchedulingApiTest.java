package ma.tabiblink.web.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;

import ma.tabiblink.signaling.appointment.AppointmentDirectory;
import ma.tabiblink.signaling.appointment.BookedConsultation;
import ma.tabiblink.web.support.ApiClient;
import ma.tabiblink.web.support.WebTestSupport;

@Timeout(120)
class SchedulingApiTest extends WebTestSupport {

    private static final ZoneId CASABLANCA = ZoneId.of("Africa/Casablanca");

    /** A Monday at least a week ahead, so its slots are in the future whenever the test runs. */
    private static LocalDate monday(int weeksAhead) {
        return LocalDate.now(CASABLANCA).with(TemporalAdjusters.next(DayOfWeek.MONDAY)).plusWeeks(weeksAhead);
    }

    private static Map<String, String> idempotent() {
        return Map.of("Idempotency-Key", UUID.randomUUID().toString());
    }

    private static Map<String, Object> booking(JsonNode slot, String patientRef) {
        Map<String, Object> body = new HashMap<>();
        body.put("specialistId", slot.get("specialistId").asText());
        body.put("specialty", slot.get("specialty").asText());
        body.put("start", slot.get("start").asText());
        body.put("patientRef", patientRef);
        body.put("dispensaryId", "disp-tinghir");
        return body;
    }

    /** A patient registered by the nurse of the dispensary (nurse1: disp-tinghir, nurse2: disp-azilal). */
    private String patientOf(String nurse) {
        ApiClient.Response r = as(nurse).post("/api/v1/patients", Map.of("fullName", "Booked " + UUID.randomUUID(),
                "birthYear", 1980, "sex", "FEMALE", "teleconsultationConsent", true));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    private static JsonNode slots(ApiClient client, String query) {
        ApiClient.Response r = client.get("/api/v1/slots?" + query);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    @Test
    void aCoordinatorBooksAFreeSlotARetryReturnsTheSameAppointmentAndARivalGetsTheNextFreeSlots() {
        String pat1 = patientOf("nurse1");
        String pat2 = patientOf("nurse1");
        ApiClient coordinator = as("coord1");
        LocalDate day = monday(1);
        JsonNode free = slots(coordinator, "specialty=cardiology&from=" + day + "&to=" + day);
        assertThat(free).hasSize(8);
        JsonNode slot = free.get(0);
        assertThat(slot.get("localStart").asText()).startsWith(day + "T09:00");

        assertThat(coordinator.post("/api/v1/appointments", booking(slot, pat1)).code())
                .isEqualTo("IDEMPOTENCY_KEY_REQUIRED");
        Map<String, String> key = idempotent();
        ApiClient.Response booked = coordinator.post("/api/v1/appointments", booking(slot, pat1), key);
        ApiClient.Response retried = coordinator.post("/api/v1/appointments", booking(slot, pat1), key);
        ApiClient.Response rival = coordinator.post("/api/v1/appointments", booking(slot, pat2), idempotent());

        assertThat(booked.status()).as(booked.body()).isEqualTo(201);
        assertThat(booked.json().get("status").asText()).isEqualTo("booked");
        assertThat(retried.json().get("id").asText()).isEqualTo(booked.json().get("id").asText());
        assertThat(rival.status()).isEqualTo(409);
        assertThat(rival.code()).isEqualTo("SLOT_TAKEN");
        assertThat(rival.json().at("/details/nextFreeSlots")).isNotEmpty();
        assertThat(rival.json().at("/details/nextFreeSlots/0/start").asText()).isNotEqualTo(slot.get("start").asText());
        assertThat(slots(coordinator, "specialist=dr.cardio&from=" + day + "&to=" + day)).hasSize(7);

        String id = booked.json().get("id").asText();
        JsonNode detail = coordinator.get("/api/v1/appointments/" + id).json();
        assertThat(detail.at("/history/0/action").asText()).isEqualTo("book");
        assertThat(detail.at("/history/0/actorId").asText()).isEqualTo("coord1");
        assertThat(coordinator.get("/api/v1/appointments?date=" + day + "&dispensary=disp-tinghir").json().toString())
                .contains(id);
        assertThat(as("nurse1").get("/api/v1/appointments?date=" + day).json().toString()).contains(id);
        assertThat(as("nurse2").get("/api/v1/appointments?date=" + day + "&dispensary=disp-tinghir").code())
                .isEqualTo("NOT_YOUR_DISPENSARY");
        assertThat(as("nurse2").get("/api/v1/appointments/" + id).code()).isEqualTo("NOT_YOUR_APPOINTMENT");
        JsonNode board = coordinator.get("/api/v1/board").json();
        assertThat(board.path("bookings").path("appointments").isArray()).isTrue();
        assertThat(board.path("bookings").path("counts").isObject()).isTrue();
    }

    @Test
    void aNurseIsRefusedOnCoordinatorEndpointsButChecksInHerDispensarysPatient() {
        String pat3 = patientOf("nurse1");
        ApiClient coordinator = as("coord1");
        ApiClient nurse = as("nurse1");
        LocalDate day = monday(2);
        JsonNode slot = slots(coordinator, "specialty=paediatrics&from=" + day + "&to=" + day).get(0);

        ApiClient.Response refused = nurse.post("/api/v1/appointments", booking(slot, pat3), idempotent());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.code()).isEqualTo("FORBIDDEN_ROLE");
        assertThat(nurse.put("/api/v1/specialists/dr.pedia/availability", Map.of("specialties", List.of("paediatrics")))
                .code()).isEqualTo("FORBIDDEN_ROLE");
        assertThat(nurse.get("/api/v1/waitlist?specialty=paediatrics").code()).isEqualTo("FORBIDDEN_ROLE");

        String id = coordinator.post("/api/v1/appointments", booking(slot, pat3), idempotent()).json().get("id").asText();
        assertThat(nurse.post("/api/v1/appointments/" + id + "/cancel", null).code()).isEqualTo("FORBIDDEN_ROLE");
        assertThat(as("nurse2").post("/api/v1/appointments/" + id + "/check-in", null).code()).isEqualTo("NOT_YOUR_APPOINTMENT");
        ApiClient.Response arrived = nurse.post("/api/v1/appointments/" + id + "/check-in", null);
        assertThat(arrived.status()).as(arrived.body()).isEqualTo(200);
        assertThat(arrived.json().get("status").asText()).isEqualTo("arrived");
        assertThat(as("dr.cardio").post("/api/v1/appointments/" + id + "/fulfil", null).code()).isEqualTo("NOT_YOUR_APPOINTMENT");
        assertThat(as("dr.pedia").post("/api/v1/appointments/" + id + "/fulfil", null).json().get("status").asText())
                .isEqualTo("fulfilled");
        assertThat(coordinator.post("/api/v1/appointments/" + id + "/cancel", null).code()).isEqualTo("INVALID_TRANSITION");
    }

    @Test
    void holdConfirmRescheduleCancelAndWaitlistPromotionWorkThroughTheApi() {
        String pat4 = patientOf("nurse1");
        String pat5 = patientOf("nurse2");
        ApiClient coordinator = as("coord1");
        LocalDate day = monday(3);
        JsonNode free = slots(coordinator, "specialist=dr.cardio&from=" + day + "&to=" + day);

        ApiClient.Response held = coordinator.post("/api/v1/holds", booking(free.get(0), pat4), idempotent());
        assertThat(held.status()).as(held.body()).isEqualTo(201);
        assertThat(held.json().get("status").asText()).isEqualTo("pending");
        assertThat(held.json().get("holdExpiresAt").asText()).isNotEmpty();
        String id = held.json().get("id").asText();
        assertThat(coordinator.post("/api/v1/holds/" + id + "/confirm", null).json().get("status").asText()).isEqualTo("booked");

        ApiClient.Response moved = coordinator.post("/api/v1/appointments/" + id + "/reschedule",
                Map.of("start", free.get(2).get("start").asText()));
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);
        assertThat(moved.json().get("start").asText()).isEqualTo(free.get(2).get("start").asText());

        ApiClient.Response waiting = coordinator.post("/api/v1/waitlist", Map.of("specialty", "cardiology",
                "from", day.toString(), "to", day.toString(), "patientRef", pat5, "dispensaryId", "disp-azilal",
                "preferredSpecialistId", "dr.cardio"), idempotent());
        assertThat(waiting.status()).as(waiting.body()).isEqualTo(201);
        assertThat(waiting.json().get("status").asText()).isEqualTo("waitlist");
        String waitlisted = waiting.json().get("id").asText();
        assertThat(coordinator.get("/api/v1/waitlist?specialty=cardiology").json().toString()).contains(waitlisted);

        assertThat(coordinator.post("/api/v1/appointments/" + id + "/cancel", Map.of("reason", "patient recovered"))
                .json().get("status").asText()).isEqualTo("cancelled");

        JsonNode promoted = coordinator.get("/api/v1/appointments/" + waitlisted).json();
        assertThat(promoted.get("status").asText()).isEqualTo("booked");
        assertThat(promoted.get("start").asText()).isEqualTo(free.get(2).get("start").asText());
        assertThat(coordinator.post("/api/v1/appointments/" + waitlisted + "/no-show", null).code()).isEqualTo("TOO_EARLY");
    }

    @Test
    void availabilityIsManagedByCoordinatorsAndBadInputGetsCodedErrors() {
        String pat6 = patientOf("nurse1");
        ApiClient coordinator = as("coord1");
        LocalDate day = monday(4);
        ApiClient.Response saved = coordinator.put("/api/v1/specialists/dr.endo/availability", Map.of(
                "specialties", List.of("endocrinology"),
                "zone", "Africa/Casablanca",
                "weekly", List.of(Map.of("day", "MONDAY", "start", "10:00", "end", "12:00")),
                "exceptions", List.of(Map.of("date", day.plusDays(7).toString(), "hours", List.of(), "reason", "congé"))));
        assertThat(saved.status()).as(saved.body()).isEqualTo(200);
        assertThat(coordinator.put("/api/v1/specialties/endocrinology/slot-policy",
                Map.of("slotMinutes", 45, "bufferMinutes", 15, "capacity", 1)).status()).isEqualTo(200);
        assertThat(slots(coordinator, "specialty=endocrinology&from=" + day + "&to=" + day.plusDays(7)))
                .extracting(s -> s.get("localStart").asText().substring(11, 16))
                .containsExactly("10:00", "11:00");
        ApiClient.Response extra = coordinator.post("/api/v1/specialists/dr.endo/availability/exceptions", Map.of(
                "date", day.plusDays(5).toString(), "hours", List.of(Map.of("start", "09:00", "end", "11:00")),
                "reason", "extra clinic"));
        assertThat(extra.status()).as(extra.body()).isEqualTo(200);
        assertThat(slots(coordinator, "specialist=dr.endo&from=" + day.plusDays(5) + "&to=" + day.plusDays(5))).hasSize(2);

        assertThat(coordinator.put("/api/v1/specialties/endocrinology/slot-policy",
                Map.of("slotMinutes", 0, "bufferMinutes", 15, "capacity", 1)).code()).isEqualTo("INVALID_SCHEDULE");
        assertThat(coordinator.put("/api/v1/specialists/dr.endo/availability", Map.of("specialties", List.of("endocrinology"),
                "zone", "Mars/Olympus")).code()).isEqualTo("INVALID_SCHEDULE");
        assertThat(coordinator.put("/api/v1/specialists/dr.endo/availability", Map.of("specialties", List.of("endocrinology"),
                "weekly", List.of(Map.of("day", "MONDAY", "start", "12:00", "end", "10:00")))).code()).isEqualTo("INVALID_SCHEDULE");
        assertThat(coordinator.get("/api/v1/slots?specialty=cardiology&from=2026-13-01&to=2026-13-02").code())
                .isEqualTo("INVALID_DATE");
        assertThat(coordinator.get("/api/v1/slots?specialty=cardiology&from=" + day + "&to=" + day.minusDays(3)).code())
                .isEqualTo("INVALID_RANGE");
        assertThat(coordinator.get("/api/v1/appointments/apt_aaaaaaaaaaaaaaaaaaaa").status()).isEqualTo(404);
        assertThat(coordinator.get("/api/v1/specialists/dr.nobody/availability").code()).isEqualTo("UNKNOWN_SPECIALIST");

        Map<String, Object> offGrid = new HashMap<>(Map.of("specialistId", "dr.endo", "specialty", "endocrinology",
                "start", day + "T10:10:00+01:00", "patientRef", pat6, "dispensaryId", "disp-tinghir"));
        assertThat(coordinator.post("/api/v1/appointments", offGrid, idempotent()).code()).isEqualTo("UNKNOWN_SLOT");
        offGrid.put("start", "next monday at ten");
        assertThat(coordinator.post("/api/v1/appointments", offGrid, idempotent()).code()).isEqualTo("INVALID_DATE");
        offGrid.put("start", "2020-01-06T10:00:00+01:00");
        assertThat(coordinator.post("/api/v1/appointments", offGrid, idempotent()).code()).isEqualTo("SLOT_IN_PAST");
        assertThat(coordinator.postRaw("/api/v1/appointments", "{not json").code()).isEqualTo("BAD_JSON");
    }

    @Test
    void aBookingIsRefusedForAPatientWhoDoesNotExistOrBelongsToAnotherDispensary() {
        ApiClient coordinator = as("coord1");
        LocalDate day = monday(7);
        JsonNode slot = slots(coordinator, "specialist=dr.cardio&from=" + day + "&to=" + day).get(0);
        String azilal = patientOf("nurse2");

        for (String path : List.of("/api/v1/appointments", "/api/v1/holds")) {
            ApiClient.Response unknown = coordinator.post(path, booking(slot, "pat-api-unknown"), idempotent());
            assertThat(unknown.status()).as(unknown.body()).isEqualTo(404);
            assertThat(unknown.code()).isEqualTo("UNKNOWN_PATIENT");
            assertThat(coordinator.post(path, booking(slot, "pat-" + "0".repeat(32)), idempotent()).code())
                    .isEqualTo("UNKNOWN_PATIENT");
            ApiClient.Response elsewhere = coordinator.post(path, booking(slot, azilal), idempotent());
            assertThat(elsewhere.status()).as(elsewhere.body()).isEqualTo(409);
            assertThat(elsewhere.code()).isEqualTo("PATIENT_OF_ANOTHER_DISPENSARY");
        }
        Map<String, Object> waitlist = new HashMap<>(Map.of("specialty", "cardiology", "from", day.toString(),
                "to", day.toString(), "patientRef", "pat-api-unknown", "dispensaryId", "disp-tinghir"));
        assertThat(coordinator.post("/api/v1/waitlist", waitlist, idempotent()).code()).isEqualTo("UNKNOWN_PATIENT");
        waitlist.put("patientRef", azilal);
        assertThat(coordinator.post("/api/v1/waitlist", waitlist, idempotent()).code())
                .isEqualTo("PATIENT_OF_ANOTHER_DISPENSARY");

        assertThat(slots(coordinator, "specialist=dr.cardio&from=" + day + "&to=" + day)).hasSize(8);
        assertThat(coordinator.get("/api/v1/appointments?date=" + day).json().toString())
                .doesNotContain(azilal).doesNotContain("pat-api-unknown");
        Map<String, Object> rightDispensary = booking(slot, azilal);
        rightDispensary.put("dispensaryId", "disp-azilal");
        assertThat(coordinator.post("/api/v1/appointments", rightDispensary, idempotent()).status()).isEqualTo(201);
    }

    @Test
    void aConsultationOpenedForAnAppointmentTakesItsSpecialistAndStartFromTheAppointmentNotFromTheRequest() {
        ApiClient coordinator = as("coord1");
        ApiClient nurse = as("nurse1");
        LocalDate day = monday(8);
        JsonNode free = slots(coordinator, "specialist=dr.pedia&from=" + day + "&to=" + day);
        String patient = patientOf("nurse1");
        String other = patientOf("nurse1");
        String appointment = coordinator.post("/api/v1/appointments", booking(free.get(0), patient), idempotent())
                .json().get("id").asText();
        String othersAppointment = coordinator.post("/api/v1/appointments", booking(free.get(1), other), idempotent())
                .json().get("id").asText();

        Map<String, Object> forged = Map.of("origin", "APPOINTMENT", "originRef", appointment,
                "specialistId", "dr.derm", "plannedStart", "2030-01-01T00:00:00Z", "mode", "VIDEO");
        ApiClient.Response opened = nurse.post("/api/v1/patients/" + patient + "/consultations", forged);
        assertThat(opened.status()).as(opened.body()).isEqualTo(201);
        assertThat(opened.json().get("specialistId").asText()).isEqualTo("dr.pedia");
        assertThat(opened.json().get("originRef").asText()).isEqualTo(appointment);
        assertThat(opened.json().get("startAt").asText()).isEqualTo(free.get(0).get("start").asText());
        assertThat(as("dr.derm").get("/api/v1/patients/" + patient).status()).isEqualTo(403);
        assertThat(as("dr.pedia").get("/api/v1/patients/" + patient).status()).isEqualTo(200);

        assertThat(nurse.post("/api/v1/patients/" + patient + "/consultations", Map.of("origin", "APPOINTMENT",
                "originRef", othersAppointment, "mode", "VIDEO")).code()).isEqualTo("APPOINTMENT_OF_ANOTHER_PATIENT");
        assertThat(nurse.post("/api/v1/patients/" + patient + "/consultations", Map.of("origin", "APPOINTMENT",
                "originRef", "apt_unknown", "mode", "VIDEO")).code()).isEqualTo("UNKNOWN_APPOINTMENT");
        assertThat(as("nurse2").post("/api/v1/patients/" + patient + "/consultations", Map.of("origin", "APPOINTMENT",
                "originRef", appointment, "mode", "VIDEO")).code()).isEqualTo("NOT_YOUR_APPOINTMENT");
        coordinator.post("/api/v1/appointments/" + othersAppointment + "/cancel", null);
        assertThat(nurse.post("/api/v1/patients/" + other + "/consultations", Map.of("origin", "APPOINTMENT",
                "originRef", othersAppointment, "mode", "VIDEO")).code()).isEqualTo("APPOINTMENT_NOT_BOOKED");
    }

    @Test
    void slotLimitsOutsideOneToAThousandAreRefusedAndNeverLiftTheDefaultCapOf200() {
        ApiClient coordinator = as("coord1");
        LocalDate from = monday(1);
        String range = "specialty=cardiology&from=" + from + "&to=" + from.plusDays(61);
        assertThat(slots(coordinator, range)).hasSize(200);
        assertThat(slots(coordinator, range + "&limit=1000").size()).isGreaterThan(200);
        for (String limit : List.of("-1", "0", "1001", "1000000")) {
            ApiClient.Response r = coordinator.get("/api/v1/slots?" + range + "&limit=" + limit);
            assertThat(r.status()).as("limit=" + limit).isEqualTo(400);
            assertThat(r.code()).as("limit=" + limit).isEqualTo("INVALID_LIMIT");
            assertThat(r.json().path("message").asText()).contains("between 1 and 1000");
        }
        assertThat(coordinator.get("/api/v1/slots?" + range + "&limit=lots").code()).isEqualTo("BAD_PARAMETER");
    }

    @Autowired
    private AppointmentDirectory callDirectory;

    @Test
    void theSignallingServerFindsABookedAppointmentButNotACancelledOne() {
        String pat8 = patientOf("nurse1");
        String pat9 = patientOf("nurse1");
        ApiClient coordinator = as("coord1");
        LocalDate day = monday(6);
        JsonNode free = slots(coordinator, "specialist=dr.pedia&from=" + day + "&to=" + day);
        String booked = coordinator.post("/api/v1/appointments", booking(free.get(0), pat8), idempotent())
                .json().get("id").asText();
        String cancelled = coordinator.post("/api/v1/appointments", booking(free.get(1), pat9), idempotent())
                .json().get("id").asText();
        coordinator.post("/api/v1/appointments/" + cancelled + "/cancel", null);

        BookedConsultation consultation = callDirectory.find(booked).orElseThrow();

        assertThat(consultation.specialistId()).isEqualTo("dr.pedia");
        assertThat(consultation.nurseDispensaryId()).isEqualTo("disp-tinghir");
        assertThat(consultation.patientRef()).isEqualTo(pat8);
        assertThat(consultation.start().toString()).isEqualTo(free.get(0).get("start").asText());
        assertThat(consultation.specialty()).isEqualTo("paediatrics");
        assertThat(callDirectory.find(cancelled)).isEmpty();
        assertThat(callDirectory.find("apt_unknown")).isEmpty();
    }

    @Test
    void theSpecialistGetsAnIcalendarFeedAndTheEndpointsAreInTheOpenApiDocument() {
        String pat7 = patientOf("nurse1");
        ApiClient coordinator = as("coord1");
        LocalDate day = monday(5);
        JsonNode slot = slots(coordinator, "specialist=dr.derm&from=" + day + "&to=" + day).get(0);
        coordinator.post("/api/v1/appointments", booking(slot, pat7), idempotent());

        ApiClient.Response ics = as("dr.derm").get("/api/v1/specialists/dr.derm/calendar.ics");
        assertThat(ics.status()).isEqualTo(200);
        assertThat(ics.contentType()).startsWith("text/calendar");
        assertThat(ics.body()).contains("BEGIN:VTIMEZONE", "TZID:Africa/Casablanca",
                "DTSTART;TZID=Africa/Casablanca:" + day.toString().replace("-", "") + "T090000");
        assertThat(as("dr.cardio").get("/api/v1/specialists/dr.derm/calendar.ics").code()).isEqualTo("FORBIDDEN_ROLE");
        assertThat(as("nurse1").get("/api/v1/specialists/dr.derm/calendar.ics").code()).isEqualTo("FORBIDDEN_ROLE");

        String openApi = api().get("/v3/api-docs").body();
        assertThat(openApi).contains("/api/v1/slots", "/api/v1/holds", "/api/v1/appointments/{id}/reschedule",
                "/api/v1/waitlist", "/api/v1/specialists/{id}/availability", "/api/v1/specialists/{id}/calendar.ics");
    }
}
