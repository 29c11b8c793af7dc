package ma.tabiblink.web.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import ma.tabiblink.web.support.ApiClient;
import ma.tabiblink.web.support.JsonWebSocket;
import ma.tabiblink.web.support.WebTestSupport;

/**
 * A booked consultation through the whole application: the cardiologist waiting alone in its call and leaving changes
 * nothing; once the nurse and the cardiologist have been in the call, its end fulfils the appointment and finishes the
 * consultation, and the appointment can still be called again while its slot lasts.
 */
@Timeout(120)
class BookedConsultationThroughTheApplicationTest extends WebTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Slots a test can book lie a week ahead or more: their calls may be joined from now. */
    @DynamicPropertySource
    static void joinableFromNow(DynamicPropertyRegistry registry) {
        registry.add("tabib.signaling.appointment-join-early", () -> "P30D");
    }

    @Test
    void theEndOfABookedConsultationsCallFulfilsItsAppointmentAndFinishesItsConsultation() {
        ApiClient coordinator = as("coord1");
        ApiClient nurse = as("nurse1");
        ApiClient cardiologist = as("dr.cardio");
        String patient = registerConsentingPatient(nurse, "Fadma Rendez-vous");
        String appointment = book(coordinator, patient);

        try (JsonWebSocket doctor = signaling(cardiologist); JsonWebSocket tablet = signaling(nurse)) {
            doctor.send(Map.of("type", "call.join", "id", "j1", "appointmentId", appointment));
            String alone = doctor.awaitType("call.waiting", WAIT).path("callId").asText();
            doctor.send(Map.of("type", "call.hangup", "id", "h1", "callId", alone, "reason", "left"));
            doctor.awaitType("call.ended", WAIT);
            assertThat(status(coordinator, appointment)).as("a wait alone is no consultation").isEqualTo("booked");

            String callId = joinBoth(doctor, tablet, appointment);
            Awaitility.await().atMost(WAIT).until(() -> consultation(cardiologist, patient, appointment) != null);
            assertThat(consultation(cardiologist, patient, appointment).path("status").asText()).isEqualTo("IN_PROGRESS");
            doctor.send(Map.of("type", "call.hangup", "id", "h2", "callId", callId, "reason", "completed"));
            tablet.awaitType("call.ended", WAIT);

            Awaitility.await().atMost(WAIT).untilAsserted(() -> {
                assertThat(status(coordinator, appointment)).isEqualTo("fulfilled");
                assertThat(consultation(cardiologist, patient, appointment).path("status").asText()).isEqualTo("FINISHED");
            });
            assertThat(coordinator.get("/api/v1/appointments/" + appointment).json().path("history").toString())
                    .contains("\"fulfil\"").contains("system");

            // Something forgotten: the slot still runs, so they may call again.
            String again = joinBoth(doctor, tablet, appointment);
            assertThat(again).isNotEqualTo(callId);
            tablet.send(Map.of("type", "call.hangup", "id", "h3", "callId", again, "reason", "completed"));
            doctor.awaitType("call.ended", WAIT);
            assertThat(status(coordinator, appointment)).isEqualTo("fulfilled");
        }
    }

    private static String joinBoth(JsonWebSocket doctor, JsonWebSocket tablet, String appointment) {
        doctor.send(Map.of("type", "call.join", "id", "d-" + UUID.randomUUID(), "appointmentId", appointment));
        String callId = doctor.awaitType("call.waiting", WAIT).path("callId").asText();
        tablet.send(Map.of("type", "call.join", "id", "n-" + UUID.randomUUID(), "appointmentId", appointment));
        assertThat(tablet.awaitType("call.accepted", WAIT).path("callId").asText()).isEqualTo(callId);
        doctor.awaitType("call.accepted", WAIT);
        return callId;
    }

    /** Books the cardiologist's first free slot on a Monday at least a week ahead; returns the appointment's id. */
    private static String book(ApiClient coordinator, String patient) {
        LocalDate monday = LocalDate.now(ZoneId.of("Africa/Casablanca")).with(TemporalAdjusters.next(DayOfWeek.MONDAY))
                .plusWeeks(1);
        JsonNode slot = coordinator.get("/api/v1/slots?specialist=dr.cardio&from=" + monday + "&to=" + monday).json().get(0);
        ApiClient.Response booked = coordinator.post("/api/v1/appointments", Map.of("specialistId", "dr.cardio",
                "specialty", "cardiology", "start", slot.get("start").asText(), "patientRef", patient,
                "dispensaryId", "disp-tinghir"), Map.of("Idempotency-Key", UUID.randomUUID().toString()));
        assertThat(booked.status()).as(booked.body()).isEqualTo(201);
        return booked.json().path("id").asText();
    }

    private static String status(ApiClient coordinator, String appointment) {
        return coordinator.get("/api/v1/appointments/" + appointment).json().path("status").asText();
    }

    private static JsonNode consultation(ApiClient specialist, String patient, String appointment) {
        for (JsonNode c : specialist.get("/api/v1/patients/" + patient + "/consultations").json()) {
            if (appointment.equals(c.path("originRef").asText())) {
                return c;
            }
        }
        return null;
    }
}
