package ma.tabiblink.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;

import com.fasterxml.jackson.databind.JsonNode;

import ma.tabiblink.web.support.ApiClient;
import ma.tabiblink.web.support.WebTestSupport;

/**
 * In real Chromium, the cardiologist turns a case they claimed into a consultation booked in one of their own free
 * slots, and asks the dispensary for a call now; the nurse's case list shows both, the call with its button.
 */
class CaseFollowUpBrowserTest extends WebTestSupport {

    @BeforeAll
    static void requireBrowser() {
        BrowserSession.assumeBrowserInstalled();
    }

    @Test
    void theCardiologistBooksAConsultationFromAClaimedCaseAndTheNurseSeesItWithTheCallRequest() throws Exception {
        ApiClient nurseApi = as("nurse1");
        String patient = registerConsentingPatient(nurseApi, "Hadda Suivi");
        String caseId = nurseApi.post("/api/v1/cases", Map.of("patientId", patient, "specialty", "cardiology",
                "question", "Souffle cardiaque chez un adulte", "urgency", "ROUTINE"),
                Map.of("Idempotency-Key", UUID.randomUUID().toString())).json().at("/summary/id").asText();
        assertThat(nurseApi.post("/api/v1/cases/" + caseId + "/submit", null).status()).isEqualTo(200);
        String nurseCase = "#cases li.case[data-case-id='" + caseId + "']";

        try (BrowserSession cardio = BrowserSession.open("http://127.0.0.1:" + port)) {
            cardio.signIn("dr.cardio", "fr");
            cardio.click("#case-inbox li.case[data-case-id='" + caseId + "'] button[data-action=claim]");
            cardio.waitFor("#case-view[data-case-id='" + caseId + "']");
            cardio.click("#consultation-slots button[data-start]");
            WebElement booked = cardio.waitFor("#consultation-booked");
            String appointmentId = booked.getDomAttribute("data-appointment-id");
            assertThat(booked.getText()).startsWith("Consultation fixée le");
            JsonNode appointment = as("dr.cardio").get("/api/v1/appointments/" + appointmentId).json();
            assertThat(appointment.path("status").asText()).isEqualTo("booked");
            assertThat(appointment.path("patientRef").asText()).isEqualTo(patient);
            assertThat(appointment.path("specialistId").asText()).isEqualTo("dr.cardio");

            cardio.click("#request-call");
            assertThat(cardio.waitFor("#call-request-status .banner").getText()).contains("Restez disponible");

            try (BrowserSession nurse = BrowserSession.open("http://127.0.0.1:" + port)) {
                nurse.signIn("nurse1", "fr");
                assertThat(nurse.waitFor(nurseCase + " .consultation-booked").getDomAttribute("data-appointment-id"))
                        .isEqualTo(appointmentId);
                assertThat(nurse.waitFor(nurseCase + " .call-request").getText()).contains("appeler maintenant");
                assertThat(nurse.waitFor(nurseCase + " button[data-action=call-now]").isEnabled()).isTrue();
            }
        }
    }
}
