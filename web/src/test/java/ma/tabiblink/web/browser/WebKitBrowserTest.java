package ma.tabiblink.web.browser;

import java.time.DayOfWeek;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import ma.tabiblink.web.support.ApiClient;
import ma.tabiblink.web.support.WebTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sign-in, nurse and coordinator screens in a second engine: WebKit (WebKitGTK's MiniBrowser), the engine of
 * Safari on the nurses' iPads. Debian's WebKitGTK is built without WebRTC (no RTCPeerConnection, even with
 * --enable-webrtc), so the call itself is proven in Chromium only; here everything up to the call is: signing in,
 * finding the patient, opening the camera and asking for a specialist over the signalling WebSocket, and the
 * coordinator's live board, calendar and booking.
 */
class WebKitBrowserTest extends WebTestSupport {

    private static final String CARDIOLOGY = "button.specialty[data-specialty='cardiology']";

    @BeforeAll
    static void requireWebKit() {
        WebKitSession.assumeWebKitInstalled();
    }

    @Test
    void everyRoleSignsInToItsScreenInFrenchAndArabic() throws Exception {
        Map<String, String> screens = Map.of(
                "nurse1", "#urgent button.specialty",
                "dr.cardio", "#availability",
                "coord1", "#board-status[data-live='true']",
                "admin", "#admin-users table");
        for (Map.Entry<String, String> screen : screens.entrySet()) {
            for (String language : List.of("fr", "ar")) {
                try (WebKitSession browser = WebKitSession.openDesktop("http://127.0.0.1:" + port)) {
                    browser.signIn(screen.getKey(), language);
                    browser.waitFor(screen.getValue());
                    assertThat(browser.script("return document.documentElement.dir"))
                            .as(screen.getKey() + " in " + language).isEqualTo(language.equals("ar") ? "rtl" : "ltr");
                }
            }
        }
    }

    @Test
    void aWrongPasswordIsRefusedOnTheSignInScreen() throws Exception {
        try (WebKitSession browser = WebKitSession.openTablet("http://127.0.0.1:" + port)) {
            browser.driver().get("http://127.0.0.1:" + port + "/");
            browser.waitFor("#login-form input[name=username]").sendKeys("nurse1");
            browser.driver().findElement(By.cssSelector("#login-form input[name=password]")).sendKeys("not-the-password");
            browser.driver().findElement(By.cssSelector("#login-form button[type=submit]")).click();
            browser.waitUntil("the refusal shown", b -> !b.driver().findElements(By.cssSelector("#login-form [role=alert]"))
                    .stream().filter(WebElement::isDisplayed).map(WebElement::getText).filter(t -> !t.isBlank()).toList().isEmpty());
            assertThat(browser.driver().findElements(By.id("logout"))).isEmpty();
        }
    }

    @Test
    void theNurseFindsHerPatientAndAsksForACardiologistThenCancels() throws Exception {
        ApiClient.Response registered = as("nurse1").post("/api/v1/patients", Map.of("fullName", "Itto Safarienne",
                "birthYear", 1958, "sex", "FEMALE", "teleconsultationConsent", true));
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        String patientId = registered.json().path("id").asText();

        try (WebKitSession nurse = WebKitSession.openTablet("http://127.0.0.1:" + port)) {
            nurse.signIn("nurse1", "fr");
            nurse.waitFor("#patient-search").sendKeys("Itto Safar");
            nurse.click("#patient .row button[type=submit]");
            nurse.click("#patient-results button[data-patient-id='" + patientId + "']");
            nurse.waitUntil("calls allowed for her", b -> b.driver().findElement(By.cssSelector(CARDIOLOGY)).isEnabled());

            nurse.callSpecialty("cardiology");
            nurse.waitFor("#waiting .queue-position");
            nurse.click("#waiting button.danger");
            nurse.waitUntil("the request cancelled", b -> b.driver().findElements(By.id("waiting")).isEmpty());
        }
    }

    @Test
    void theCoordinatorBooksAFreeSlotForAPatientFoundByName() throws Exception {
        List<Map<String, String>> everyDay = Arrays.stream(DayOfWeek.values())
                .map(day -> Map.of("day", day.name(), "start", "08:00", "end", "20:00")).toList();
        assertThat(as("coord1").put("/api/v1/specialists/dr.derm/availability",
                Map.of("specialties", List.of("dermatology"), "weekly", everyDay)).status()).isEqualTo(200);
        ApiClient.Response registered = as("nurse1").post("/api/v1/patients", Map.of("fullName", "Moha Webkitien",
                "birthYear", 1981, "sex", "MALE", "teleconsultationConsent", true));
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        String patientId = registered.json().path("id").asText();

        try (WebKitSession coordinator = WebKitSession.openDesktop("http://127.0.0.1:" + port)) {
            coordinator.signIn("coord1", "fr");
            coordinator.waitFor("#board-status[data-live='true']");
            coordinator.click("#tab-calendar");
            coordinator.waitUntil("specialties listed", b -> !b.driver()
                    .findElements(By.cssSelector("#calendar-specialty option[value='dermatology']")).isEmpty());
            new Select(coordinator.waitFor("#calendar-specialty")).selectByValue("dermatology");
            String freeSlot = "#week button.slot.free[data-specialist='dr.derm']";
            coordinator.waitFor(freeSlot);
            coordinator.click(freeSlot);
            coordinator.waitFor("#book-patient").sendKeys("moha webk");
            coordinator.click("#book-patient-results button[data-patient-id='" + patientId + "']");
            coordinator.waitFor("#book-form .patient-chosen");
            coordinator.click("#book-form button[type=submit]");
            coordinator.waitUntil("booking form closed", b -> b.driver().findElements(By.id("book-form")).isEmpty());

            coordinator.waitUntil("the patient's booking in the week", b -> b.driver()
                    .findElements(By.cssSelector("#week button.slot.booked[data-status='booked']")).stream()
                    .anyMatch(slot -> slot.getText().contains(patientId)));
        }
    }
}
