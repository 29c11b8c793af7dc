package ma.tabiblink.web.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import ma.tabiblink.web.signaling.EmbeddedSignaling;
import ma.tabiblink.web.support.ApiClient;
import ma.tabiblink.web.support.JsonWebSocket;
import ma.tabiblink.web.support.WebTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The nurse's urgent call on a weak link: her browser reaches the signalling server only through a
 * {@link CuttableLink} the test cuts and restores (pages and API go straight to the server). The tap answers at once,
 * a request made while signalling is down waits for it and is queued exactly once when it returns, and a call that
 * cannot be made (nobody covers the specialty) offers a written case instead.
 */
class UrgentCallOnAWeakLinkBrowserTest extends WebTestSupport {

    private static final CuttableLink SIGNALING = CuttableLink.open();
    /** "At once": well under a second on any tablet; the bound only keeps a slow test machine from failing it. */
    private static final Duration SHOWN_AT_ONCE = Duration.ofSeconds(3);
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Autowired
    private EmbeddedSignaling signaling;

    @DynamicPropertySource
    static void signallingThroughTheCuttableLink(DynamicPropertyRegistry registry) throws IOException {
        registry.add("tabib.demo", () -> "true");
        registry.add("tabib.signaling.port", () -> "0");
        String dataDir = Files.createTempDirectory("tabib-urgent-test").toString();
        registry.add("tabib.data-dir", () -> dataDir);
        registry.add("tabib.signaling.public-url", () -> "ws://127.0.0.1:" + SIGNALING.port() + "/signal");
        registry.add("tabib.signaling.max-connections-per-user", () -> "20");
    }

    @BeforeAll
    static void requireBrowser() {
        BrowserSession.assumeBrowserInstalled();
    }

    @BeforeEach
    void linkUp() {
        SIGNALING.forwardTo(signaling.boundPort());
        SIGNALING.restore();
    }

    @AfterEach
    void restoreLinkAfterwards() {
        SIGNALING.restore();
    }

    @AfterAll
    static void closeLink() {
        SIGNALING.close();
    }

    @Test
    void theTapShowsConnectingAtOnceAndCancelReturnsToTheSpecialtiesWithNoCallQueued() throws Exception {
        try (BrowserSession nurse = openNurse("Aicha Boutaleb")) {
            // Signalling cut first: nothing the screen shows can be an answer of the server.
            cutSignalling(nurse);
            nurse.chooseSpecialty("cardiology");
            long tappedAt = System.nanoTime();
            nurse.click("#start-call");
            nurse.waitUntil("the tapped specialty shows its state at once", SHOWN_AT_ONCE,
                    b -> !b.driver().findElements(By.cssSelector("#waiting #call-status[data-state]")).isEmpty());
            System.out.printf("Urgent call feedback after %d ms%n", (System.nanoTime() - tappedAt) / 1_000_000);
            assertThat(nurse.attribute("#waiting .waiting-specialty", "data-specialty")).isEqualTo("cardiology");
            assertThat(nurse.attribute("#call-status", "data-state")).isIn("connecting", "waiting-network");
            assertThat(nurse.driver().findElement(By.id("cancel-call")).isDisplayed()).isTrue();

            nurse.click("#cancel-call");
            nurse.waitFor("#urgent button.specialty[data-specialty='cardiology']");
            assertThat(nurse.driver().findElements(By.id("waiting"))).isEmpty();

            SIGNALING.restore();
            nurse.waitUntil("signalling back", WAIT, b -> "open".equals(b.attribute("#link-status", "data-status")));
            // Whatever the tablet kept would have gone by now: the server queued nothing.
            Thread.sleep(2000);
            assertThat(queuedCalls(as("coord1"), "cardiology")).isZero();
        }
    }

    @Test
    void aRequestMadeWhileSignallingIsDownWaitsForTheNetworkAndIsQueuedOnceWhenItReturns() throws Exception {
        ApiClient coordinator = as("coord1");
        ApiClient cardiologist = as("dr.cardio");
        // The specialist is on a good link of their own (straight to the signalling port).
        try (JsonWebSocket doctor = JsonWebSocket.connect("ws://127.0.0.1:" + signaling.boundPort() + "/signal?ticket="
                + cardiologist.ticket("signal"), "http://127.0.0.1:" + port);
             BrowserSession nurse = openNurse("Brahim Ouchen")) {
            doctor.awaitType("welcome", WAIT);
            doctor.send(Map.of("type", "presence.set", "id", "p1", "status", "available"));
            assertThat(doctor.awaitType("presence", WAIT).path("status").asText()).isEqualTo("available");

            cutSignalling(nurse);
            nurse.callSpecialty("cardiology");
            nurse.waitUntil("the screen waits for the network", WAIT,
                    b -> "waiting-network".equals(b.attribute("#call-status", "data-state")));
            assertThat(nurse.driver().findElement(By.id("call-status")).getText())
                    .isEqualTo("En attente du réseau : la demande partira dès son retour.");
            assertThat(nurse.driver().findElement(By.id("send-case-instead")).isDisplayed()).isTrue();
            // Longer than the 15 s after which a request used to be dropped: still waiting, not an error.
            Thread.sleep(17_000);
            assertThat(nurse.attribute("#call-status", "data-state")).isEqualTo("waiting-network");
            assertThat(nurse.driver().findElements(By.cssSelector("#toast .error"))).isEmpty();
            assertThat(queuedCalls(coordinator, "cardiology")).isZero();

            SIGNALING.restore();
            JsonNode incoming = doctor.awaitType("call.incoming", Duration.ofSeconds(30));
            nurse.waitUntil("the nurse sees the specialist rung", WAIT,
                    b -> "ringing".equals(b.attribute("#call-status", "data-state")));
            String callId = incoming.path("callId").asText();
            assertThat(nurse.attribute("#waiting", "data-call-id")).isEqualTo(callId);

            doctor.send(Map.of("type", "call.accept", "id", "a1", "callId", callId));
            nurse.waitFor("#call");
            // Exactly one call was queued: with a duplicate, one would still wait in the cardiology queue.
            Thread.sleep(2000);
            assertThat(queuedCalls(coordinator, "cardiology")).isZero();
            assertThat(coordinator.get("/api/v1/board").json().path("calls").path("inProgress").asInt()).isEqualTo(1);

            nurse.click("#hangup");
            assertThat(doctor.awaitType("call.ended", WAIT).path("callId").asText()).isEqualTo(callId);
        }
    }

    @Test
    void whenNoSpecialistCanBeRungTheScreenOffersACaseInsteadThatOpensTheFormForThatSpecialty() throws Exception {
        try (BrowserSession nurse = openNurse("Khadija Amrani")) {
            // Nobody covers pulmonology in the demo: its button and the pre-join screen say so before the call...
            nurse.waitUntil("pulmonology shown uncovered", WAIT, b -> b.driver()
                    .findElement(By.cssSelector("#urgent button.specialty[data-specialty='pulmonology']"))
                    .getAttribute("class").contains("uncovered"));
            nurse.chooseSpecialty("pulmonology");
            assertThat(nurse.attribute("#prejoin", "data-uncovered")).isEqualTo("NO_SPECIALIST");
            assertThat(nurse.driver().findElement(By.id("prejoin-send-case")).isDisplayed()).isTrue();
            nurse.waitFor("#call-reason").sendKeys("Toux et fièvre depuis 3 jours");
            // ... and the server answers call.noSpecialist at once when she calls all the same.
            nurse.click("#start-call");
            nurse.waitUntil("no specialist free", WAIT,
                    b -> "no-specialist".equals(b.attribute("#call-status", "data-state")));
            nurse.click("#send-case-instead");

            nurse.waitFor("#case-form");
            assertThat(nurse.driver().findElements(By.id("waiting"))).isEmpty();
            assertThat(nurse.script("return document.querySelector('#case-specialty').value")).isEqualTo("pulmonology");
            assertThat(nurse.script("return document.querySelector('#case-urgency').value")).isEqualTo("URGENT");
            assertThat(nurse.script("return document.querySelector('#case-question').value")).isEqualTo("Toux et fièvre depuis 3 jours");
            assertThat(nurse.script("return document.activeElement.id")).isEqualTo("case-question");
            assertThat(nurse.driver().findElement(By.cssSelector("#case-new .patient-chosen")).getText()).contains("Khadija Amrani");
            // The call it replaces does not stay in the queue.
            ApiClient coordinator = as("coord1");
            nurse.waitUntil("the call left the queue", WAIT, b -> queuedCalls(coordinator, "pulmonology") == 0);
        }
    }

    private BrowserSession openNurse(String patientName) throws IOException {
        BrowserSession nurse = BrowserSession.openTablet("http://127.0.0.1:" + port);
        nurse.signIn("nurse1", "fr");
        nurse.click("details.register summary");
        nurse.waitFor("#register-patient input[name=fullName]").sendKeys(patientName);
        nurse.script("document.querySelector('#register-patient input[name=birthDate]').value = '1990-05-02';");
        nurse.click("#register-patient input[name=consent]");
        nurse.click("#register-patient button[type=submit]");
        nurse.waitFor(".patient-chosen");
        nurse.waitFor("#urgent button.specialty:not([disabled])");
        nurse.waitUntil("signalling open", WAIT, b -> "open".equals(b.attribute("#link-status", "data-status")));
        return nurse;
    }

    /** Cuts the nurse's signalling link and waits until her tablet knows it (so nothing it sends can get through). */
    private static void cutSignalling(BrowserSession nurse) {
        SIGNALING.cut();
        nurse.waitUntil("the tablet sees signalling down", WAIT,
                b -> Boolean.FALSE.equals(b.script("return window.tabibDiagnostics.signal.ready")));
    }

    /** Calls waiting in a specialty's queue, from the coordinators' board. */
    private static int queuedCalls(ApiClient coordinator, String specialty) {
        int queued = 0;
        for (JsonNode queue : coordinator.get("/api/v1/board").json().path("queues")) {
            if (Set.of(specialty).contains(queue.path("specialty").asText())) {
                queued += queue.path("length").asInt();
            }
        }
        return queued;
    }
}
