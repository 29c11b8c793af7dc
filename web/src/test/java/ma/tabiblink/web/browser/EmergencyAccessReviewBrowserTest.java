package ma.tabiblink.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import ma.tabiblink.web.support.ApiClient;
import ma.tabiblink.web.support.WebTestSupport;

/**
 * An emergency access raises an alert on the administrator's live board at once, and is listed in the review table,
 * where the administrator closes it with a note.
 */
class EmergencyAccessReviewBrowserTest extends WebTestSupport {

    @BeforeAll
    static void requireBrowser() {
        BrowserSession.assumeBrowserInstalled();
    }

    /** A signed note of a new patient of disp-tinghir, written by dr.cardio; returns its id. */
    private String signedNote() {
        ApiClient nurse = as("nurse1");
        ApiClient cardio = as("dr.cardio");
        String patient = nurse.post("/api/v1/patients", Map.of("fullName", "Moha Urgent", "birthYear", 1948,
                "sex", "MALE", "teleconsultationConsent", true)).json().path("id").asText();
        String consultation = nurse.post("/api/v1/patients/" + patient + "/consultations", Map.of(
                "origin", "URGENT_CALL", "originRef", "call-review-" + patient, "specialistId", "dr.cardio",
                "mode", "VIDEO")).json().path("id").asText();
        String note = cardio.post("/api/v1/consultations/" + consultation + "/notes", Map.of(
                "assessment", "Insuffisance cardiaque", "plan", "Furosémide", "language", "fr")).json()
                .path("noteId").asText();
        assertThat(cardio.post("/api/v1/notes/" + note + "/signature", null).status()).isEqualTo(200);
        return note;
    }

    private static int openAlerts(BrowserSession admin) {
        String open = admin.attribute("#board-alerts", "data-open");
        return open == null ? -1 : Integer.parseInt(open);
    }

    @Test
    void anEmergencyAccessShowsOnTheAdministratorsLiveBoardAndIsClosedByAReview() throws Exception {
        String note = signedNote();
        try (BrowserSession admin = BrowserSession.open("http://127.0.0.1:" + port)) {
            admin.signIn("admin", "fr");
            admin.waitFor("#board-status[data-live='true']");
            admin.waitUntil("the alerts section shown", b -> openAlerts(b) >= 0);
            int before = openAlerts(admin);

            ApiClient.Response glass = as("dr.derm").post("/api/v1/notes/" + note + "/break-glass",
                    Map.of("reason", "Patient seen at night by the on-call dermatologist"));
            assertThat(glass.status()).as(glass.body()).isEqualTo(200);

            admin.waitUntil("the alert on the live board", b -> openAlerts(b) == before + 1);
            assertThat(admin.driver().findElement(By.id("board-alerts")).getText()).contains("dr.derm")
                    .contains("Patient seen at night by the on-call dermatologist");
            String accessId = as("admin").get("/api/v1/admin/break-glass?open=true").json().findValuesAsText("id")
                    .get(0);
            String row = "#admin-break-glass tr[data-access-id='" + accessId + "']";
            admin.waitFor(row);
            assertThat(admin.attribute(row, "data-reviewed")).isEqualTo("false");
            admin.screenshot("admin-break-glass-fr");

            WebElement review = admin.driver().findElement(By.cssSelector(row + " input[name=note]"));
            review.sendKeys("Checked with the on-call roster");
            admin.click(row + " button[type=submit]");
            admin.waitUntil("the access reviewed", b -> "true".equals(b.attribute(row, "data-reviewed")));
            assertThat(admin.driver().findElement(By.cssSelector(row)).getText())
                    .contains("Checked with the on-call roster");
            admin.waitUntil("the alert closed on the board", b -> openAlerts(b) == before);
        }
    }
}
