package ma.tabiblink.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import ma.tabiblink.web.support.ApiClient;
import ma.tabiblink.web.support.JsonWebSocket;
import ma.tabiblink.web.support.WebTestSupport;

/**
 * The nurse's urgent call in three steps (patient, specialty, pre-join then call) in a real Chromium with a fake
 * camera: each specialty button says who can answer now, the call button is above the fold on a tablet held either
 * way, the pre-join screen shows her camera and her microphone's level, and every screen and state of the call has no
 * accessibility violation.
 */
class NurseStepsBrowserTest extends WebTestSupport {

    /** Longer than one availability poll (10 s) plus one server snapshot (2 s). */
    private static final Duration AVAILABILITY_WAIT = Duration.ofSeconds(30);
    private static final String LANDSCAPE = "1280x800";
    private static final String PORTRAIT = "800x1280";
    /** One row: a 48 px touch target and the bar's padding. */
    private static final double PHONE_HEADER_MAX = 72;

    @BeforeAll
    static void requireBrowser() {
        BrowserSession.assumeBrowserInstalled();
    }

    @Test
    void eachSpecialtySaysWhoCanAnswerNowAndOneNobodyCoversIsGreyedWithTheReason() throws Exception {
        ApiClient cardiologist = as("dr.cardio");
        try (JsonWebSocket doctor = signaling(cardiologist);
             BrowserSession nurse = BrowserSession.openTablet(base())) {
            doctor.send(Map.of("type", "presence.set", "id", "p1", "status", "available"));
            doctor.awaitType("presence", Duration.ofSeconds(10));
            nurse.signIn("nurse1", "fr");
            registerPatient(nurse, "Zahra Availability");

            nurse.waitUntil("cardiology shows one specialist available", AVAILABILITY_WAIT,
                    b -> "1".equals(b.attribute("#urgent button.specialty[data-specialty='cardiology']", "data-available")));
            assertThat(text(nurse, "#urgent button.specialty[data-specialty='cardiology'] .avail")).contains("Disponibles : 1");
            String pulmonology = "#urgent button.specialty[data-specialty='pulmonology']";
            assertThat(nurse.attribute(pulmonology, "class")).contains("uncovered");
            assertThat(text(nurse, pulmonology + " .avail")).isEqualTo("Aucun spécialiste inscrit");
            assertThat(nurse.driver().findElement(By.cssSelector(pulmonology)).isEnabled())
                    .as("greyed, yet she may still go on to call or send a case").isTrue();
            nurse.screenshot("nurse-specialties-fr");

            // The order is set when the buttons are drawn: choosing the patient again puts the covered one first.
            nurse.click("#patient button.secondary");
            registerPatient(nurse, "Zahra Availability Bis");
            nurse.waitFor("#urgent button.specialty");
            assertThat(nurse.attribute("#urgent .specialty-grid button.specialty:first-child", "data-specialty"))
                    .isEqualTo("cardiology");
        }
    }

    @Test
    void theCallButtonIsAboveTheFoldOnATabletEitherWayAndThePreJoinScreenShowsHerCameraAndMicrophone() throws Exception {
        for (String size : List.of(LANDSCAPE, PORTRAIT)) {
            String[] wh = size.split("x");
            try (BrowserSession nurse = BrowserSession.openWith(base(), Integer.parseInt(wh[0]), Integer.parseInt(wh[1]), List.of())) {
                nurse.signIn("nurse1", "fr");
                registerPatient(nurse, "Fadma Steps " + size);
                nurse.waitFor("#urgent button.specialty:not([disabled])");
                assertThat(bottom(nurse, "#urgent button.specialty[data-specialty='cardiology']"))
                        .as("step 2 in sight at " + size).isLessThanOrEqualTo(viewportHeight(nurse));

                nurse.chooseSpecialty("cardiology");
                assertThat(bottom(nurse, "#start-call")).as("the call button above the fold at " + size)
                        .isLessThanOrEqualTo(viewportHeight(nurse));
                assertThat(nurse.script("return document.querySelectorAll('h1').length")).isEqualTo(1L);
                nurse.waitUntil("her camera shown", b -> Boolean.TRUE.equals(
                        b.script("const v = document.querySelector('#prejoin-preview'); return v.videoWidth > 0 && !v.paused;")));
                nurse.waitUntil("her microphone heard", b -> Boolean.TRUE.equals(
                        b.script("return document.querySelector('#mic-level').value > 0;")));
                assertThat(nurse.attribute("#precheck-chip", "data-state")).isEqualTo("none");
                assertThat(nurse.attribute("#prejoin", "data-media")).isEqualTo("video");
                nurse.screenshot("nurse-prejoin-fr-" + size);

                // Back to step 2: the camera is released.
                nurse.click("#prejoin-back");
                nurse.waitFor("#urgent button.specialty[data-specialty='cardiology']");
                assertThat(nurse.driver().findElements(By.id("prejoin"))).isEmpty();
                nurse.waitUntil("camera released", b -> Boolean.TRUE.equals(b.script(
                        "return !document.querySelector('#prejoin-preview');")));
            }
        }
    }

    /** An error no longer fades after six seconds: it stays until closed, and its retry does what failed again. */
    @Test
    void anErrorStaysOnScreenUntilItIsClosedOrRetried() throws Exception {
        try (BrowserSession nurse = BrowserSession.openTablet(base())) {
            nurse.signIn("nurse1", "fr");
            nurse.waitFor("#urgent button.specialty");
            nurse.driver().executeAsyncScript("""
                    const done = arguments[arguments.length - 1];
                    import('/js/dom.js').then(({ announce }) => {
                      window.retried = 0;
                      announce('error.generic', null, 'error', { retry: () => { window.retried += 1; } });
                      announce('nurse.recordNotOpened', null, 'error');
                      done();
                    });
                    """);
            Thread.sleep(7000);
            assertThat(nurse.driver().findElements(By.cssSelector("#toast .toast.error"))).hasSize(2);
            nurse.click("#toast .toast.error[data-i18n-key='error.generic'] .toast-retry");
            nurse.waitUntil("the retried error gone", b -> b.driver()
                    .findElements(By.cssSelector("#toast .toast.error[data-i18n-key='error.generic']")).isEmpty());
            assertThat(nurse.script("return window.retried")).isEqualTo(1L);
            nurse.click("#toast .toast.error .toast-close");
            nurse.waitUntil("the closed error gone", b -> b.driver().findElements(By.cssSelector("#toast .toast.error")).isEmpty());
        }
    }

    @Test
    void onAPhoneTheHeaderKeepsToOneRowWithTheLinkStateAndSignOutInSight() throws Exception {
        for (String language : List.of("fr", "ar")) {
            try (BrowserSession nurse = BrowserSession.openWith(base(), 390, 844, List.of())) {
                nurse.signIn("nurse1", language);
                nurse.waitFor("#urgent button.specialty");
                double header = ((Number) nurse.script("return document.querySelector('.topbar').getBoundingClientRect().height;"))
                        .doubleValue();
                assertThat(header).as("header height on a phone in " + language).isLessThanOrEqualTo(PHONE_HEADER_MAX);
                assertThat(nurse.driver().findElement(By.id("link-status")).isDisplayed()).isTrue();
                assertThat(nurse.driver().findElement(By.id("logout")).getAccessibleName()).isNotBlank();
            }
        }
        as("nurse1").put("/api/v1/me/language", Map.of("language", "fr"));
    }

    @Test
    void theNursesStepsTheWaitTheIncomingCallAndTheCallItselfHaveNoAccessibilityViolation() throws Exception {
        List<String> violations = new ArrayList<>();
        for (String language : List.of("fr", "ar", "en")) {
            try (BrowserSession specialist = BrowserSession.open(base());
                 BrowserSession nurse = BrowserSession.openTablet(base())) {
                specialist.signIn("dr.cardio", language);
                specialist.click("#availability");
                specialist.waitUntil("specialist available", b -> "available".equals(b.attribute("#presence", "data-status")));

                nurse.signIn("nurse1", language);
                registerPatient(nurse, "Ijja Steps " + language);
                nurse.waitFor("#urgent button.specialty:not([disabled])");
                AccessibilityBrowserTest.check(nurse, "nurse, patient chosen, " + language, violations);
                nurse.chooseSpecialty("cardiology");
                AccessibilityBrowserTest.check(nurse, "nurse pre-join " + language, violations);
                nurse.click("#start-call");
                nurse.waitFor("#waiting #call-status[data-state]");
                AccessibilityBrowserTest.check(nurse, "nurse waiting " + language, violations);

                specialist.waitFor("#incoming");
                AccessibilityBrowserTest.check(specialist, "specialist incoming call " + language, violations);
                specialist.click("#accept-call");
                nurse.waitFor("#call");
                specialist.waitFor("#note-editor");
                nurse.waitUntil("connected", Duration.ofSeconds(45), b -> Boolean.TRUE.equals(
                        b.script("return window.tabibDiagnostics.call?.state === 'connected';")));
                AccessibilityBrowserTest.check(nurse, "nurse in call " + language, violations);
                AccessibilityBrowserTest.check(specialist, "specialist in call with the note editor " + language, violations);
                nurse.click("#hangup");
                specialist.waitFor("#call .call-main.ended");
            }
        }
        as("dr.cardio").put("/api/v1/me/language", Map.of("language", "fr"));
        as("nurse1").put("/api/v1/me/language", Map.of("language", "fr"));
        violations.forEach(System.out::println);
        assertThat(violations).isEmpty();
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private static void registerPatient(BrowserSession nurse, String name) {
        nurse.click("details.register summary");
        nurse.waitFor("#register-patient input[name=fullName]").sendKeys(name);
        nurse.script("document.querySelector('#register-patient input[name=birthDate]').value = '1971-06-30';");
        nurse.click("#register-patient input[name=consent]");
        nurse.click("#register-patient button[type=submit]");
        nurse.waitFor(".patient-chosen");
    }

    private static String text(BrowserSession browser, String css) {
        return browser.driver().findElement(By.cssSelector(css)).getText();
    }

    private static double bottom(BrowserSession browser, String css) {
        return ((Number) browser.script("return document.querySelector(arguments[0]).getBoundingClientRect().bottom;", css))
                .doubleValue();
    }

    private static double viewportHeight(BrowserSession browser) {
        return ((Number) browser.script("return window.innerHeight;")).doubleValue();
    }
}
