package ma.tabiblink.web.browser;

import java.time.Duration;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import ma.tabiblink.web.support.WebTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A nurse (tablet-sized window) and a specialist, each in their own headless Chromium with a fake camera, call each
 * other through the real signalling server and the real WebRTC stack of the browsers.
 */
class VideoCallBrowserTest extends WebTestSupport {

    private static final Duration MEDIA_WAIT = Duration.ofSeconds(45);

    /** Reads the active call's RTCPeerConnection state and decoded inbound video frames from getStats(). */
    private static final String MEDIA_STATS = """
            const done = arguments[arguments.length - 1];
            const call = window.tabibDiagnostics.call;
            call.stats().then((report) => {
              if (!report) { done(null); return; }
              let frames = 0;
              report.forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded || 0; });
              done({ state: call.state, frames: frames });
            }, () => done(null));
            """;

    @BeforeAll
    static void requireBrowser() {
        BrowserSession.assumeBrowserInstalled();
    }

    @Test
    void nurseAndSpecialistReachConnectedVideoThatSurvivesASignallingDropAndHangUpEndsItOnBothSides() throws Exception {
        try (BrowserSession specialist = BrowserSession.open(base());
             BrowserSession nurse = BrowserSession.openTablet(base())) {
            Map<String, Object>[] media = establishCall(nurse, specialist, "Aicha Ouhammou");
            nurse.waitUntil("network quality measured", b -> "good".equals(b.attribute("#quality", "data-level")));
            specialist.waitFor(".patient-summary dl.summary");
            nurse.screenshot("nurse-call-fr");
            specialist.screenshot("specialist-call-fr");

            // Drop the nurse's signalling link: the client reconnects and resumes, the media path is untouched.
            specialist.script("window.__since = Date.now();");
            nurse.script("const s = window.tabibDiagnostics.signal; window.__connections = s.connections; s.drop();");
            nurse.waitUntil("signalling resumed on a new connection", b -> Boolean.TRUE.equals(b.script(
                    "const s = window.tabibDiagnostics.signal; return s.ready && s.connections > window.__connections;")));
            specialist.waitUntil("specialist told the nurse was reconnecting and is back", b -> {
                List<?> seen = (List<?>) b.script("return window.tabibDiagnostics.signal.received"
                        + ".filter((m) => m.at >= window.__since).map((m) => m.type);");
                return seen.contains("peer.reconnecting") && seen.contains("peer.back");
            });
            awaitFrames(nurse, ((Number) media[0].get("frames")).longValue());
            awaitFrames(specialist, ((Number) media[1].get("frames")).longValue());
            assertThat(nurse.driver().findElements(By.id("call"))).hasSize(1);
            assertThat(specialist.driver().findElements(By.cssSelector("#call .call-main:not(.ended)"))).hasSize(1);

            nurse.click("#hangup");
            nurse.waitUntil("nurse's call screen closed", b -> b.driver().findElements(By.id("call")).isEmpty());
            specialist.waitFor("#call .call-main.ended");
            assertThat(specialist.script("return window.tabibDiagnostics.call.active")).isEqualTo(false);
            assertThat(nurse.driver().findElement(By.id("after-call")).isDisplayed()).isTrue();
        }
    }

    @Test
    void audioOnlyChosenByAUserTakesVideoOffTheConnectionOnBothSidesAndStaysWhenTheLinkIsGood() throws Exception {
        try (BrowserSession specialist = BrowserSession.open(base());
             BrowserSession nurse = BrowserSession.openTablet(base())) {
            establishCall(nurse, specialist, "Brahim Ait Ali");

            specialist.click("#audio-only");
            nurse.waitFor("#call.audio-only");
            specialist.waitFor("#call.audio-only");
            // The nurse (the offerer) renegotiates: the video streams leave the connection in both directions.
            for (BrowserSession side : List.of(nurse, specialist)) {
                side.waitUntil("video inactive", b -> "inactive".equals(b.script("return window.tabibDiagnostics.call.videoDirection")));
            }
            long nurseSent = videoPacketsSent(nurse);
            long specialistSent = videoPacketsSent(specialist);
            Thread.sleep(3000);
            assertThat(videoPacketsSent(nurse)).isLessThanOrEqualTo(nurseSent);
            assertThat(videoPacketsSent(specialist)).isLessThanOrEqualTo(specialistSent);
            assertThat(specialist.driver().findElement(By.id("media-note")).getText()).isNotBlank();

            // On a perfect link the automatic recovery would bring video back after 15 s; a user's choice stays.
            Thread.sleep(17_000);
            assertThat(nurse.script("return window.tabibDiagnostics.call.audioOnly")).isEqualTo(true);
            assertThat(specialist.script("return window.tabibDiagnostics.call.audioOnly")).isEqualTo(true);

            long framesBefore = ((Number) ((Map<?, ?>) nurse.driver().executeAsyncScript(MEDIA_STATS)).get("frames")).longValue();
            specialist.click("#audio-only");
            nurse.waitUntil("video sent again", b -> "sendrecv".equals(b.script("return window.tabibDiagnostics.call.videoDirection")));
            awaitFrames(nurse, framesBefore);
            nurse.click("#hangup");
            specialist.waitFor("#call .call-main.ended");
        }
    }

    private static long videoPacketsSent(BrowserSession browser) {
        Object sent = browser.driver().executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                window.tabibDiagnostics.call.stats().then((report) => {
                  let sent = 0;
                  report.forEach((s) => { if (s.type === 'outbound-rtp' && s.kind === 'video') sent += s.packetsSent || 0; });
                  done(sent);
                });
                """);
        return ((Number) sent).longValue();
    }

    @Test
    void planAndPrescriptionSignedByTheSpecialistAreShownToTheNurseAfterTheCall() throws Exception {
        try (BrowserSession specialist = BrowserSession.open(base());
             BrowserSession nurse = BrowserSession.openTablet(base())) {
            establishCall(nurse, specialist, "Khadija Ouzzine");
            nurse.click("#hangup");
            specialist.waitFor("#call .call-main.ended");

            specialist.waitFor("#note-editor textarea[name=findings]").sendKeys("Souffle systolique 2/6.");
            specialist.driver().findElement(By.cssSelector("#note-editor textarea[name=plan]")).sendKeys("ECG au CHP dans la semaine.");
            specialist.driver().findElement(By.cssSelector("#note-editor textarea[name=prescription]")).sendKeys("Bisoprolol 2,5 mg/j.");
            specialist.click("#sign-note");
            specialist.waitFor("#note-state[data-signed='true']");

            nurse.waitFor("#after-call");
            nurse.click("#after-call button.secondary");
            nurse.waitUntil("signed note shown to the nurse", b -> !b.driver()
                    .findElements(By.cssSelector("#after-call .note[data-status='FINAL'] [data-section='PRESCRIPTION']")).isEmpty());
            String shown = nurse.driver().findElement(By.cssSelector("#after-call .note")).getText();
            assertThat(shown).contains("ECG au CHP dans la semaine.").contains("Bisoprolol 2,5 mg/j.")
                    .doesNotContain("Souffle systolique");
        }
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    /** Specialist available, nurse registers a patient and calls cardiology, specialist accepts; both decode video. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object>[] establishCall(BrowserSession nurse, BrowserSession specialist, String patient) {
        specialist.signIn("dr.cardio", "fr");
        specialist.click("#availability");
        specialist.waitUntil("specialist available", b -> "available".equals(b.attribute("#presence", "data-status")));

        nurse.signIn("nurse1", "fr");
        registerPatient(nurse, patient);
        nurse.callSpecialty("cardiology");
        nurse.waitFor("#waiting .queue-position");

        specialist.waitFor("#incoming");
        assertThat(specialist.driver().findElement(By.cssSelector("#incoming .caller")).getText()).contains("Fatima Zahra Ouali");
        int age = Period.between(LocalDate.of(1987, 3, 14), LocalDate.now(ZoneId.of("Africa/Casablanca"))).getYears();
        assertThat(specialist.driver().findElement(By.cssSelector("#incoming .about")).getText())
                .as("the patient's age, not her record id").contains(age + " ans").doesNotContain("pat-");
        specialist.click("#accept-call");

        Map<String, Object> nurseMedia = awaitFrames(nurse, 0);
        Map<String, Object> specialistMedia = awaitFrames(specialist, 0);
        assertThat(nurseMedia.get("state")).isEqualTo("connected");
        assertThat(specialistMedia.get("state")).isEqualTo("connected");
        WebElement recordId = specialist.waitFor(".summary .record-id");
        assertThat(recordId.getAttribute("title")).as("the whole record id in the tooltip").startsWith("pat-").hasSize(36);
        assertThat(recordId.getText()).as("shortened on screen").hasSize(17).contains("…");
        return new Map[] {nurseMedia, specialistMedia};
    }

    private static void registerPatient(BrowserSession nurse, String name) {
        nurse.click("details.register summary");
        nurse.waitFor("#register-patient input[name=fullName]").sendKeys(name);
        nurse.script("document.querySelector('#register-patient input[name=birthDate]').value = '1987-03-14';");
        nurse.click("#register-patient input[name=consent]");
        nurse.click("#register-patient button[type=submit]");
        nurse.waitFor(".patient-chosen");
    }

    /** Waits until the connection is "connected" and more than {@code above} inbound video frames were decoded. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> awaitFrames(BrowserSession browser, long above) {
        Object[] last = new Object[1];
        browser.waitUntil("video frames decoded above " + above, MEDIA_WAIT, b -> {
            Object stats = b.driver().executeAsyncScript(MEDIA_STATS);
            last[0] = stats;
            if (!(stats instanceof Map<?, ?> map)) {
                return false;
            }
            return "connected".equals(map.get("state")) && ((Number) map.get("frames")).longValue() > above;
        });
        return (Map<String, Object>) last[0];
    }
}
