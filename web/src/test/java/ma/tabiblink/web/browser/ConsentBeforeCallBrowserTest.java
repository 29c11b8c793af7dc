package ma.tabiblink.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import ma.tabiblink.web.support.ApiClient;
import ma.tabiblink.web.support.WebTestSupport;

/**
 * A nurse about to call a specialist about a patient whose consent is not recorded is told so before the call, and
 * offered to record it; when the server refuses a call for want of consent (withdrawn meanwhile), the screen says so
 * with the same offer instead of silently connecting.
 */
class ConsentBeforeCallBrowserTest extends WebTestSupport {

    private static final String CARDIOLOGY = "button.specialty[data-specialty='cardiology']";

    @BeforeAll
    static void requireBrowser() {
        BrowserSession.assumeBrowserInstalled();
    }

    @Test
    void theNurseIsToldBeforeTheCallThatConsentIsMissingAndRecordsItOnTheSpot() throws Exception {
        ApiClient nurseApi = as("nurse1");
        ApiClient.Response registered = nurseApi.post("/api/v1/patients", Map.of("fullName", "Yamna Sansaccord",
                "birthYear", 1966, "sex", "FEMALE", "teleconsultationConsent", false));
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        String patientId = registered.json().path("id").asText();

        try (BrowserSession nurse = BrowserSession.openTablet("http://127.0.0.1:" + port)) {
            nurse.signIn("nurse1", "fr");
            nurse.waitFor("#patient-search").sendKeys("Yamna");
            nurse.click("#patient .row button[type=submit]");
            nurse.click("#patient-results button[data-patient-id='" + patientId + "']");

            assertThat(nurse.waitFor("#consent-missing").getDomAttribute("data-code")).isEqualTo("CONSENT_REQUIRED");
            assertThat(nurse.driver().findElement(By.cssSelector("#consent-missing")).getText())
                    .contains("consentement");
            nurse.waitFor(CARDIOLOGY);
            assertThat(nurse.driver().findElement(By.cssSelector(CARDIOLOGY)).isEnabled()).isFalse();

            nurse.click("#record-consent");
            nurse.waitUntil("consent recorded", b -> b.driver().findElements(By.id("consent-missing")).isEmpty());
            nurse.waitUntil("calls allowed", b -> b.driver().findElement(By.cssSelector(CARDIOLOGY)).isEnabled());
            assertThat(nurseApi.get("/api/v1/patients/" + patientId).json().path("consent").path("recordedBy").asText())
                    .isEqualTo("nurse1");

            // Withdrawn from another tablet: the server refuses the call with its code, and the screen offers again.
            assertThat(nurseApi.put("/api/v1/patients/" + patientId + "/consent", Map.of("teleconsultation", false))
                    .status()).isEqualTo(200);
            nurse.callSpecialty("cardiology");
            nurse.waitFor("#consent-missing");
            assertThat(nurse.driver().findElements(By.id("waiting"))).isEmpty();
            nurse.waitUntil("the refusal announced", b -> b.driver().findElements(By.cssSelector("#toast .toast.error"))
                    .stream().anyMatch(t -> "error.CONSENT_REQUIRED".equals(t.getDomAttribute("data-i18n-key"))));

            nurse.click("#record-consent");
            nurse.waitUntil("calls allowed again", b -> b.driver().findElement(By.cssSelector(CARDIOLOGY)).isEnabled());
            nurse.callSpecialty("cardiology");
            nurse.waitFor("#waiting .queue-position");
            nurse.click("#waiting button.danger");
            nurse.waitUntil("the request cancelled", b -> b.driver().findElements(By.id("waiting")).isEmpty());
        }
    }
}
