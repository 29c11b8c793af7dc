package ma.tabiblink.web.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.stream.StreamSupport;


import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import ma.tabiblink.web.signaling.EmbeddedSignaling;
import ma.tabiblink.web.support.ApiClient;
import ma.tabiblink.web.support.WebTestSupport;

import static ma.tabiblink.web.browser.CaseForms.casesOf;
import static ma.tabiblink.web.browser.CaseForms.choosePatient;
import static ma.tabiblink.web.browser.CaseForms.firstAttachment;
import static ma.tabiblink.web.browser.CaseForms.outboxKinds;
import static ma.tabiblink.web.browser.CaseForms.outboxStates;
import static ma.tabiblink.web.browser.CaseForms.photoSizes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Store-and-forward tele-expertise in real Chromium, the nurse's tablet reaching the application only through
 * {@link CuttableLink}s: a patient registered and a case written for her with the link dead wait in the outbox
 * (across a reload), reach the server exactly once when the link returns, and the case goes to the cardiologist's
 * inbox and back with a signed answer; a photo upload cut halfway resumes where the server's upload stands; a voice
 * note recorded from Chromium's fake microphone reaches the specialist as a recording that plays.
 */
class CaseFlowBrowserTest extends WebTestSupport {

    private static final CuttableLink WEB = CuttableLink.open();
    private static final CuttableLink SIGNALING = CuttableLink.open();
    private static final Duration OFFLINE_SHOWN_WITHIN = Duration.ofSeconds(15);
    /** Back online, the outbox sends within seconds; this bound only keeps a slow test machine from failing it. */
    private static final Duration DELIVERED_WITHIN = Duration.ofSeconds(60);

    @Autowired
    private EmbeddedSignaling signaling;

    @DynamicPropertySource
    static void throughTheCuttableLink(DynamicPropertyRegistry registry) throws IOException {
        registry.add("tabib.demo", () -> "true");
        registry.add("tabib.signaling.port", () -> "0");
        String dataDir = Files.createTempDirectory("tabib-case-test").toString();
        registry.add("tabib.data-dir", () -> dataDir);
        registry.add("tabib.signaling.public-url", () -> "ws://127.0.0.1:" + SIGNALING.port() + "/signal");
        registry.add("tabib.allowed-origins", () -> "http://127.0.0.1:" + WEB.port());
        registry.add("tabib.signaling.max-connections-per-user", () -> "20");
    }

    @BeforeAll
    static void requireBrowser() {
        BrowserSession.assumeBrowserInstalled();
    }

    @BeforeEach
    void linkUp() {
        WEB.forwardTo(port);
        SIGNALING.forwardTo(signaling.boundPort());
        WEB.throttleUploads(0);
        restoreLink();
    }

    @AfterEach
    void restoreLinkAfterwards() {
        WEB.throttleUploads(0);
        restoreLink();
    }

    @AfterAll
    static void closeLinks() {
        WEB.close();
        SIGNALING.close();
    }

    @Test
    void aPatientRegisteredAndACaseWrittenOfflineSurviveAReloadArriveOnceWhenTheLinkReturnsAndTheAnswerReachesTheNurse()
            throws Exception {
        ApiClient nurseApi = as("nurse1");
        String name = "Fadma Ait Ouhmad";
        String patient;
        String caseId;
        try (BrowserSession nurse = openNurse()) {
            nurse.signIn("nurse1", "fr");
            waitUntilReadyForOffline(nurse);

            cutLink();
            nurse.waitUntil("the nurse's screen says offline", OFFLINE_SHOWN_WITHIN,
                    b -> "offline".equals(b.attribute("#link-status", "data-status")));
            // The patient is new: registered on the tablet, chosen by a local id until the server gives hers.
            nurse.click("details.register summary");
            nurse.waitFor("#register-patient input[name=fullName]").sendKeys(name);
            nurse.script("document.querySelector('#register-patient input[name=birthDate]').value = '1983-02-11';");
            nurse.click("#register-patient input[name=consent]");
            nurse.click("#register-patient button[type=submit]");
            assertThat(nurse.waitFor("#patient .patient-chosen").getDomAttribute("data-patient-id")).startsWith("local-");
            nurse.waitFor("#pending-patient");
            assertThat(nurse.waitFor("#pending-no-call").getText()).contains("un appel demande le réseau");
            assertThat(nurse.driver().findElements(By.cssSelector("#urgent button.specialty")))
                    .allMatch(button -> !button.isEnabled());
            assertThat(outboxKinds(nurse)).containsExactly("patient");
            new Select(nurse.waitFor("#case-specialty")).selectByValue("cardiology");
            new Select(nurse.driver().findElement(By.id("case-urgency"))).selectByValue("PRIORITY");
            nurse.driver().findElement(By.id("case-question")).sendKeys("Dyspnée d'effort, œdèmes des chevilles depuis 10 jours.");
            nurse.click("#case-vitals summary");
            nurse.waitFor("#v-systolicMmHg").sendKeys("165");
            nurse.driver().findElement(By.id("v-diastolicMmHg")).sendKeys("98");
            nurse.driver().findElement(By.id("v-heartRatePerMinute")).sendKeys("88");
            nurse.driver().findElement(By.id("v-glucose")).sendKeys("1.4");
            nurse.driver().findElement(By.id("case-photos")).sendKeys(
                    CaseForms.WOUND_1.toAbsolutePath() + "\n" + CaseForms.WOUND_2.toAbsolutePath());
            nurse.waitUntil("both photos shrunk and shown", b -> photoSizes(b).size() == 2);
            assertThat(photoSizes(nurse)).allMatch(bytes -> bytes > 0 && bytes <= 200 * 1024);
            nurse.click("#case-send");

            List<String> queued = List.of("patient", "case", "photo", "photo", "submit");
            nurse.waitUntil("the registration, the case, its two photos and its sending wait in the outbox",
                    b -> outboxStates(b).equals(List.of("queued", "queued", "queued", "queued", "queued")));
            assertThat(outboxKinds(nurse)).isEqualTo(queued);
            nurse.script("document.getElementById('outbox').scrollIntoView()");
            nurse.screenshot("nurse-case-outbox-fr");
            assertThat(patientsNamed(nurseApi, name)).isEmpty();

            nurse.driver().navigate().refresh();
            nurse.waitFor("#logout");
            nurse.waitUntil("the outbox survived the reload", b -> outboxKinds(b).equals(queued));
            // Still offline: the patient waiting to be sent is found by the search, marked so.
            WebElement query = nurse.waitFor("#patient-search");
            query.clear();
            query.sendKeys("ouhmad");
            nurse.click("#patient form[role=search] button[type=submit]");
            assertThat(nurse.waitFor("#patient-results button[data-pending=true]").getText())
                    .contains(name, "en attente d'envoi");
            assertThat(patientsNamed(nurseApi, name)).isEmpty();

            restoreLink();
            nurse.waitUntil("everything in the outbox sent", DELIVERED_WITHIN,
                    b -> !outboxStates(b).isEmpty() && outboxStates(b).stream().allMatch("sent"::equals));
            List<JsonNode> registered = patientsNamed(nurseApi, name);
            assertThat(registered).hasSize(1);
            patient = registered.get(0).path("id").asText();
            List<JsonNode> arrived = casesOf(nurseApi, patient);
            assertThat(arrived).hasSize(1);
            caseId = arrived.get(0).path("id").asText();
            JsonNode full = nurseApi.get("/api/v1/cases/" + caseId).json();
            assertThat(full.at("/summary/status").asText()).isEqualTo("SUBMITTED");
            assertThat(full.at("/summary/urgency").asText()).isEqualTo("PRIORITY");
            assertThat(full.at("/vitals/systolicMmHg").asInt()).isEqualTo(165);
            assertThat(full.at("/vitals/glucose/unit").asText()).isEqualTo("GRAMS_PER_LITRE");
            assertThat(full.path("attachments")).hasSize(2);
            assertThat(full.path("attachments")).allMatch(a -> a.path("complete").asBoolean()
                    && "image/jpeg".equals(a.path("mediaType").asText()));
            nurse.waitFor("#cases li.case[data-case-id='" + caseId + "'][data-status='SUBMITTED']");

            try (BrowserSession cardio = BrowserSession.open(baseUrl())) {
                cardio.signIn("dr.cardio", "fr");
                cardio.click("#case-inbox li.case[data-case-id='" + caseId + "'] button[data-action=claim]");
                cardio.waitFor("#case-view[data-case-id='" + caseId + "']");
                assertThat(cardio.driver().findElement(By.id("case-vitals-view")).getText()).contains("165/98 mmHg", "1,4 g/L");
                assertThat(cardio.driver().findElement(By.cssSelector("#case-view .case-question")).getText()).contains("œdèmes");
                cardio.waitUntil("both photos shown", b -> Long.valueOf(2).equals(b.script(
                        "return [...document.querySelectorAll('#case-photos-view img')].filter((i) => i.complete && i.naturalWidth > 0).length")));
                cardio.screenshot("specialist-case-fr");
                cardio.click("#case-photos-view button.thumb");
                cardio.waitFor("#photo-full img");
                assertThat(cardio.script("return document.querySelector('#photo-full img').naturalWidth")).isIn(800L, 640L);
                cardio.click("#photo-full button");

                // More information first: the question reaches the nurse, her reply goes through her outbox.
                cardio.waitFor("#info-request").sendKeys("Poids actuel et prise de poids récente ?");
                cardio.click("#ask-more");
                cardio.waitFor("#claimed-cases li.case[data-case-id='" + caseId + "'][data-status='INFO_REQUESTED']");
                nurse.click("#cases-refresh");
                String asked = "#cases li.case[data-case-id='" + caseId + "'][data-status='INFO_REQUESTED']";
                // The refresh and the server's case.update both redraw the list: each step finds its element afresh.
                nurse.waitUntil("the specialist's question shown", b -> "Poids actuel et prise de poids récente ?".equals(
                        b.driver().findElement(By.cssSelector(asked + " .asked")).getText()));
                String reply = "71 kg, +4 kg en deux semaines";
                nurse.waitUntil("the reply typed", b -> {
                    WebElement text = b.driver().findElement(By.cssSelector(asked + " textarea.reply-text"));
                    if (text.getAttribute("value").isEmpty()) {
                        text.sendKeys(reply);
                    }
                    return reply.equals(text.getAttribute("value"));
                });
                nurse.click(asked + " button[data-action=reply]");
                nurse.waitFor("#cases li.case[data-case-id='" + caseId + "'][data-status='CLAIMED']");

                cardio.click("#claimed-cases li.case[data-case-id='" + caseId + "'] button[data-action=open]");
                cardio.waitUntil("the nurse's reply shown", b -> b.driver().findElements(By.cssSelector("#case-view .messages li")).stream()
                        .anyMatch(li -> li.getText().contains("71 kg, +4 kg en deux semaines")));
                cardio.waitFor("#note-editor textarea[name=assessment]").sendKeys("Insuffisance cardiaque probable");
                cardio.driver().findElement(By.cssSelector("#note-editor textarea[name=plan]")).sendKeys("Échographie au CHP cette semaine");
                cardio.driver().findElement(By.cssSelector("#note-editor textarea[name=prescription]")).sendKeys("Furosémide 40 mg le matin");
                cardio.driver().findElement(By.cssSelector("#note-editor textarea[name=followUp]")).sendKeys("Revoir dans 7 jours");
                cardio.click("#sign-note");
                cardio.waitUntil("the answer note signed", b -> "true".equals(b.attribute("#note-state", "data-signed")));
                cardio.click("#answer-case");
                cardio.waitUntil("back to the inbox", b -> b.driver().findElements(By.id("case-view")).isEmpty());
                cardio.waitFor("#claimed-cases li.case[data-case-id='" + caseId + "'][data-status='ANSWERED']");
            }

            nurse.click("#cases-refresh");
            String answer = "#cases li.case[data-case-id='" + caseId + "'][data-status='ANSWERED'] .case-answer";
            // The list may be redrawn meanwhile (the refresh and the server's notice both fetch it): read it afresh.
            nurse.waitUntil("the signed answer shown", b -> b.waitFor(answer).getText()
                    .matches("(?s).*Échographie au CHP.*Furosémide 40 mg.*Revoir dans 7 jours.*"));
            nurse.script("document.querySelector(arguments[0]).scrollIntoView()", answer);
            nurse.screenshot("nurse-case-answer-fr");
            assertThat(nurse.cspViolations()).isEmpty();
        }
        assertThat(casesOf(nurseApi, patient)).hasSize(1);
    }

    @Test
    void aPhotoUploadCutHalfwayResumesWhereTheServerStandsAndCompletesWithTheShrunkPhotosBytes() throws Exception {
        ApiClient nurseApi = as("nurse1");
        String name = "Itto Oubaha";
        String patient = registerConsentingPatient(nurseApi, name);
        try (BrowserSession nurse = openNurse()) {
            nurse.signIn("nurse1", "fr");
            waitUntilReadyForOffline(nurse);
            choosePatient(nurse, patient, name);
            new Select(nurse.waitFor("#case-specialty")).selectByValue("dermatology");
            nurse.driver().findElement(By.id("case-question")).sendKeys("Éruption étendue, prurit.");
            nurse.driver().findElement(By.id("case-photos")).sendKeys(CaseForms.RASH_LARGE.toAbsolutePath().toString());
            nurse.waitUntil("the photo shrunk and shown", b -> photoSizes(b).size() == 1);
            long shrunk = photoSizes(nurse).get(0);
            assertThat(shrunk).as("several chunks").isBetween(100L * 1024, 200L * 1024);

            // A weak uplink: the photo takes seconds to go, so the link can die in the middle of it.
            WEB.throttleUploads(24 * 1024);
            nurse.click("#case-send");
            long[] partial = new long[1];
            nurse.waitUntil("part of the photo on the server", Duration.ofSeconds(45), b -> {
                JsonNode upload = firstAttachment(nurseApi, patient);
                partial[0] = upload == null ? 0 : upload.path("received").asLong();
                return partial[0] > 0 && partial[0] < shrunk;
            });
            cutLink();
            WEB.throttleUploads(0);
            nurse.waitUntil("the nurse's screen says offline", OFFLINE_SHOWN_WITHIN,
                    b -> "offline".equals(b.attribute("#link-status", "data-status")));
            JsonNode stopped = firstAttachment(nurseApi, patient);
            assertThat(stopped.path("complete").asBoolean()).isFalse();
            assertThat(stopped.path("received").asLong()).isLessThan(shrunk);
            assertThat(outboxStates(nurse)).as("the photo and the sending wait in the outbox").anyMatch(state -> !"sent".equals(state));

            restoreLink();
            nurse.waitUntil("everything in the outbox sent", DELIVERED_WITHIN,
                    b -> !outboxStates(b).isEmpty() && outboxStates(b).stream().allMatch("sent"::equals));
            List<JsonNode> arrived = casesOf(nurseApi, patient);
            assertThat(arrived).hasSize(1);
            JsonNode full = nurseApi.get("/api/v1/cases/" + arrived.get(0).path("id").asText()).json();
            assertThat(full.at("/summary/status").asText()).isEqualTo("SUBMITTED");
            assertThat(full.path("attachments")).hasSize(1);
            JsonNode photo = full.path("attachments").get(0);
            assertThat(photo.path("complete").asBoolean()).isTrue();
            assertThat(photo.path("declaredBytes").asLong()).isEqualTo(shrunk);
            assertThat(photo.path("received").asLong()).isEqualTo(shrunk);
            System.out.printf("Photo of %d bytes resumed after a cut at %d bytes%n", shrunk, partial[0]);
        }
    }

    @Test
    void aCaseLeftUnsentInAClosedTabIsSentAtTheSameNursesNextSignInAndWipedWhenAnotherUserSignsIn() throws Exception {
        ApiClient nurseApi = as("nurse1");
        String name = "Rkia Ait Baha";
        String patient = registerConsentingPatient(nurseApi, name);
        try (BrowserSession tablet = openNurse()) {
            tablet.signIn("nurse1", "ar");
            waitUntilReadyForOffline(tablet);
            queueCaseOffline(tablet, patient, name, "Toux depuis trois semaines.");
            tablet.click("#case-vitals summary");
            tablet.script("document.getElementById('outbox').scrollIntoView()");
            tablet.screenshot("nurse-case-ar");
            closeTheTabAndOpenItAgain(tablet);
            assertThat(storedOutbox(tablet)).as("the outbox kept for its owner, the patient list wiped").isEqualTo(List.of(2L, 0L));

            restoreLink();
            tablet.signIn("nurse1", "fr");
            tablet.waitUntil("the case sent at the next sign-in", DELIVERED_WITHIN, b -> casesOf(nurseApi, patient).size() == 1
                    && "SUBMITTED".equals(casesOf(nurseApi, patient).get(0).path("status").asText()));
            tablet.waitUntil("the outbox emptied", b -> storedOutbox(b).get(0) == 0L);

            waitUntilReadyForOffline(tablet);
            queueCaseOffline(tablet, patient, name, "Fièvre ce soir.");
            closeTheTabAndOpenItAgain(tablet);
            restoreLink();
            tablet.signIn("nurse2", "fr");
            tablet.waitFor("#urgent button.specialty");
            tablet.waitUntil("another nurse's sign-in wipes the outbox", b -> storedOutbox(b).get(0) == 0L);
            assertThat(tablet.driver().findElements(By.cssSelector("#outbox li.outbox-item"))).isEmpty();
        }
        assertThat(casesOf(nurseApi, patient)).hasSize(1);
    }

    @Test
    void signingOutWithUnsentItemsAsksFirstAndSigningOutAnywayWipesTheOutbox() throws Exception {
        String name = "Hada Ouchen";
        String patient = registerConsentingPatient(as("nurse1"), name);
        try (BrowserSession nurse = openNurse()) {
            nurse.signIn("nurse1", "en");
            waitUntilReadyForOffline(nurse);
            choosePatient(nurse, patient, name);
            cutLink();
            nurse.waitUntil("the nurse's screen says offline", OFFLINE_SHOWN_WITHIN,
                    b -> "offline".equals(b.attribute("#link-status", "data-status")));
            nurse.driver().findElement(By.id("case-question")).sendKeys("Fever for three days.");
            nurse.click("#case-send");
            nurse.waitUntil("the case waits in the outbox", b -> outboxKinds(b).equals(List.of("case", "submit")));

            nurse.click("#logout");
            assertThat(nurse.waitFor("#unsent-warning").getText()).contains("2 outbox item(s) are not sent yet");
            nurse.click("#stay-signed-in");
            nurse.waitUntil("the warning closed", b -> b.driver().findElements(By.id("unsent-warning")).isEmpty());
            assertThat(outboxKinds(nurse)).containsExactly("case", "submit");

            nurse.click("#logout");
            nurse.click("#sign-out-anyway");
            nurse.waitFor("#login-form");
            nurse.waitUntil("the tablet's store is deleted", b -> Boolean.FALSE.equals(b.driver().executeAsyncScript(
                    "const done = arguments[arguments.length - 1];"
                            + "indexedDB.databases().then((d) => done(d.some((x) => x.name === 'tabib-device')))")));
        }
    }

    @Test
    void aVoiceNoteRecordedOnTheTabletReleasesTheMicrophoneAndReachesTheSpecialistAsARecordingThatPlays() throws Exception {
        ApiClient nurseApi = as("nurse1");
        String name = "Mbarka Id Ali";
        String patient = registerConsentingPatient(nurseApi, name);
        byte[] recorded;
        try (BrowserSession nurse = openNurse()) {
            nurse.signIn("nurse1", "fr");
            waitUntilReadyForOffline(nurse);
            choosePatient(nurse, patient, name);
            new Select(nurse.waitFor("#case-specialty")).selectByValue("cardiology");
            nurse.driver().findElement(By.id("case-question")).sendKeys("Palpitations la nuit, écoutez la description.");
            watchMicrophones(nurse);

            nurse.click("#voice-record");
            nurse.waitFor("#voice-stop");
            assertThat(nurse.attribute("#case-send", "disabled")).as("no sending in the middle of a recording").isNotNull();
            assertThat(nurse.script("return window.microphones.map((s) => s.getAudioTracks()[0].readyState)"))
                    .isEqualTo(List.of("live"));
            nurse.waitUntil("three seconds recorded", Duration.ofSeconds(15),
                    b -> b.driver().findElement(By.id("voice-elapsed")).getText().startsWith("0:03 / 1:00"));
            nurse.click("#voice-stop");
            nurse.waitFor("#case-voice[data-state='recorded'] #voice-preview");
            assertThat(nurse.script("return window.microphones.every((s) => s.getTracks().every((t) => t.readyState === 'ended'))"))
                    .as("the microphone is released once the recording stops").isEqualTo(true);
            nurse.waitUntil("the preview knows its length", b -> playerSeconds(b, "#voice-preview") > 2);
            assertThat(playerSeconds(nurse, "#voice-preview")).isLessThan(6);
            long bytes = Long.parseLong(nurse.attribute("#case-voice", "data-bytes"));
            // Opus at about 20 kbit/s: a few kilobytes a second, whatever the microphone hears.
            assertThat(bytes).isBetween(1_000L, 30_000L);
            nurse.script("document.getElementById('case-voice').scrollIntoView({ block: 'center' })");
            nurse.screenshot("nurse-case-voice-fr");

            cutLink();
            nurse.waitUntil("the nurse's screen says offline", OFFLINE_SHOWN_WITHIN,
                    b -> "offline".equals(b.attribute("#link-status", "data-status")));
            nurse.click("#case-send");
            nurse.waitUntil("the case, its voice note and its sending wait in the outbox",
                    b -> outboxKinds(b).equals(List.of("case", "voice", "submit")));
            nurse.waitFor("#case-voice[data-state='idle'] #voice-record");
            nurse.driver().navigate().refresh();
            nurse.waitFor("#logout");
            nurse.waitUntil("the outbox survived the reload", b -> outboxKinds(b).equals(List.of("case", "voice", "submit")));
            assertThat(nurse.driver().findElement(By.cssSelector("#outbox li.outbox-item[data-kind='voice']")).getText())
                    .contains("Message vocal");
            recorded = queuedVoiceNote(nurse);
            assertThat(recorded).hasSize((int) bytes);

            restoreLink();
            nurse.waitUntil("everything in the outbox sent", DELIVERED_WITHIN,
                    b -> !outboxStates(b).isEmpty() && outboxStates(b).stream().allMatch("sent"::equals));
        }
        List<JsonNode> arrived = casesOf(nurseApi, patient);
        assertThat(arrived).hasSize(1);
        String caseId = arrived.get(0).path("id").asText();
        assertThat(arrived.get(0).path("voiceNote").asBoolean()).isTrue();
        JsonNode attachments = nurseApi.get("/api/v1/cases/" + caseId).json().path("attachments");
        assertThat(attachments).hasSize(1);
        JsonNode voice = attachments.get(0);
        assertThat(voice.path("kind").asText()).isEqualTo("VOICE_NOTE");
        assertThat(voice.path("complete").asBoolean()).isTrue();
        assertThat(voice.path("mediaType").asText()).isEqualTo("audio/webm");
        ApiClient.BytesResponse served = nurseApi.getBytes("/api/v1/cases/" + caseId + "/attachments/" + voice.path("id").asText());
        assertThat(served.contentType()).isEqualTo("audio/webm");
        assertThat(served.body()).as("the recording as the tablet made it").isEqualTo(recorded);

        try (BrowserSession cardio = BrowserSession.open(baseUrl())) {
            cardio.signIn("dr.cardio", "fr");
            String line = "#case-inbox li.case[data-case-id='" + caseId + "']";
            assertThat(cardio.waitFor(line + " .voice").getText()).isEqualTo("+ message vocal");
            cardio.click(line + " button[data-action=claim]");
            cardio.waitFor("#case-view[data-case-id='" + caseId + "'] #case-voice-player");
            try { cardio.waitUntil("the player knows the recording's length", b -> playerSeconds(b, "#case-voice-player") > 1); } catch (RuntimeException e) { System.out.println("DEBUG-VN " + cardio.script("const a = document.getElementById('case-voice-player'); return JSON.stringify({rs: a.readyState, ns: a.networkState, d: String(a.duration), t: a.currentTime, e: a.error && a.error.message, src: a.src, seekable: a.seekable.length})")); throw e; }
            assertThat(playerSeconds(cardio, "#case-voice-player")).isLessThan(6);
            cardio.script("document.getElementById('case-voice-player').play()");
            cardio.waitUntil("the recording plays", b -> ((Number) b.script(
                    "return document.getElementById('case-voice-player').currentTime")).doubleValue() > 0.5);
            cardio.screenshot("specialist-case-voice-fr");
        }
    }

    @Test
    void aRefusedMicrophoneIsSaidOnTheFormAndTheCaseIsSentWithoutAVoiceNote() throws Exception {
        ApiClient nurseApi = as("nurse1");
        String name = "Tuda Amzil";
        String patient = registerConsentingPatient(nurseApi, name);
        try (BrowserSession nurse = BrowserSession.openOfflineTabletWithMediaBlocked(baseUrl())) {
            nurse.signIn("nurse1", "en");
            waitUntilReadyForOffline(nurse);
            choosePatient(nurse, patient, name);
            nurse.driver().findElement(By.id("case-question")).sendKeys("Cough for three weeks.");

            nurse.click("#voice-record");
            nurse.waitUntil("the refusal said on the form", b -> b.driver().findElements(By.id("voice-error")).stream()
                    .anyMatch(e -> e.getText().contains("The microphone is not allowed")));
            assertThat(nurse.attribute("#case-voice", "data-state")).isEqualTo("idle");
            nurse.click("#case-send");
            nurse.waitUntil("everything in the outbox sent", DELIVERED_WITHIN,
                    b -> !outboxStates(b).isEmpty() && outboxStates(b).stream().allMatch("sent"::equals));
            assertThat(outboxKinds(nurse)).containsExactly("case", "submit");
        }
        List<JsonNode> arrived = casesOf(nurseApi, patient);
        assertThat(arrived).hasSize(1);
        assertThat(nurseApi.get("/api/v1/cases/" + arrived.get(0).path("id").asText()).json().path("attachments")).isEmpty();
    }

    /** Keeps every stream the page opens, so the test can see whether its microphone is still on. */
    private static void watchMicrophones(BrowserSession nurse) {
        nurse.script("""
                window.microphones = [];
                const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
                navigator.mediaDevices.getUserMedia = async (constraints) => {
                  const stream = await open(constraints);
                  window.microphones.push(stream);
                  return stream;
                };
                """);
    }

    /** The voice note waiting in the tablet's outbox (IndexedDB), as it will be sent. */
    private static byte[] queuedVoiceNote(BrowserSession nurse) {
        return Base64.getDecoder().decode((String) nurse.driver().executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const request = indexedDB.open('tabib-device');
                request.onsuccess = () => {
                  const all = request.result.transaction('outbox').objectStore('outbox').getAll();
                  all.onsuccess = () => {
                    request.result.close();
                    const reader = new FileReader();
                    reader.onload = () => done(reader.result.split(',')[1]);
                    reader.readAsDataURL(all.result.find((item) => item.kind === 'voice').blob);
                  };
                };
                """));
    }

    /** A player's length in seconds once it knows it, 0 before. */
    private static double playerSeconds(BrowserSession browser, String css) {
        Object seconds = browser.script("const a = document.querySelector(arguments[0]);"
                + " return a && Number.isFinite(a.duration) ? a.duration : 0", css);
        return ((Number) seconds).doubleValue();
    }

    private static void queueCaseOffline(BrowserSession nurse, String patientId, String name, String question) {
        choosePatient(nurse, patientId, name);
        cutLink();
        nurse.waitUntil("the nurse's screen says offline", OFFLINE_SHOWN_WITHIN,
                b -> "offline".equals(b.attribute("#link-status", "data-status")));
        nurse.driver().findElement(By.id("case-question")).sendKeys(question);
        nurse.click("#case-send");
        nurse.waitUntil("the case waits in the outbox", b -> outboxKinds(b).equals(List.of("case", "submit")));
    }

    /** Closing the app forgets the session (sessionStorage) but not IndexedDB; it opens again from the service worker. */
    private static void closeTheTabAndOpenItAgain(BrowserSession tablet) {
        tablet.script("sessionStorage.removeItem('tabib.session'); sessionStorage.removeItem('tabib.config')");
        tablet.driver().navigate().refresh();
        tablet.waitFor("#login-form");
    }

    /** [items in the outbox, patients in the list] on the tablet; [0, 0] without a store. Never creates the database. */
    @SuppressWarnings("unchecked")
    private static List<Long> storedOutbox(BrowserSession tablet) {
        return (List<Long>) tablet.driver().executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                indexedDB.databases().then((databases) => {
                  if (!databases.some((d) => d.name === 'tabib-device')) { done([0, 0]); return; }
                  const request = indexedDB.open('tabib-device');
                  request.onupgradeneeded = () => request.transaction.abort();
                  request.onerror = () => done([0, 0]);
                  request.onsuccess = () => {
                    const db = request.result;
                    const tx = db.transaction(['outbox', 'patients']);
                    const outbox = tx.objectStore('outbox').count();
                    const patients = tx.objectStore('patients').count();
                    tx.oncomplete = () => { db.close(); done([outbox.result, patients.result]); };
                  };
                });
                """);
    }

    private BrowserSession openNurse() throws IOException {
        return BrowserSession.openOfflineTablet(baseUrl());
    }

    private String baseUrl() {
        return "http://127.0.0.1:" + WEB.port();
    }

    private static void waitUntilReadyForOffline(BrowserSession nurse) {
        nurse.awaitShellAndSignalling();
    }

    private static void cutLink() {
        WEB.cut();
        SIGNALING.cut();
    }

    private static void restoreLink() {
        WEB.restore();
        SIGNALING.restore();
    }

    /** The dispensary's patients with exactly this name, as the server finds them for the nurse. */
    private static List<JsonNode> patientsNamed(ApiClient nurse, String name) {
        return StreamSupport.stream(nurse.get("/api/v1/patients?limit=50&q=" + name.replace(' ', '+')).json()
                .spliterator(), false).filter(p -> name.equals(p.path("fullName").asText())).toList();
    }
}
