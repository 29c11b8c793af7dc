package ma.tabiblink.web.browser;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import ma.tabiblink.ops.netlab.NetworkLab;
import ma.tabiblink.web.support.ApiClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tele-expertise cases sent from a tablet behind the network lab's emulated dispensary link, not a loopback cut: on
 * rural 3G and on EDGE a case with two photos arrives whole and exactly once, and a blackout in the middle of a photo
 * on rural 3G leaves the upload where it stood, to be resumed, not restarted, when the link returns.
 */
class CasesOnRuralLinksTest extends NetworkLabSupport {

    static final NetworkLab LAB = startLab();
    /** About 250 KB at EDGE's 60 kbit/s, with its loss and TCP's own slowness on a 500 ms round trip. */
    private static final Duration DELIVERED_WITHIN = Duration.ofMinutes(4);
    private static final Duration OFFLINE_SHOWN_WITHIN = Duration.ofSeconds(20);
    private static final Map<String, String> PATIENTS = Map.of("3g-rural", "Tuda Ait Hamou", "edge", "Ijja Oulhaj");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        if (LAB != null) {
            serverInTheLab(registry, LAB);
        }
    }

    @BeforeAll
    static void requireTheLab() {
        requireLab(LAB);
    }

    @AfterAll
    static void closeLab() {
        if (LAB != null) {
            LAB.close();
        }
    }

    @BeforeEach
    void goodLink() {
        link("4g");
    }

    @Override
    NetworkLab lab() {
        return LAB;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"3g-rural", "edge"})
    void aCaseWithTwoPhotosArrivesWholeAndExactlyOnce(String profile) throws Exception {
        ApiClient nurseApi = new ApiClient(base()).login("nurse1", "demo1234");
        String name = PATIENTS.get(profile);
        String patient = registerConsentingPatient(nurseApi, name);
        try (BrowserSession nurse = nurseInTheLab()) {
            nurse.signIn("nurse1", "fr");
            nurse.awaitShellAndSignalling();
            CaseForms.choosePatient(nurse, patient, name);
            writeCase(nurse, "dermatology", "Plaie du pied qui ne cicatrise pas depuis trois semaines, diabétique.");
            List<Long> photos = CaseForms.attachPhotos(nurse, CaseForms.WOUND_1, CaseForms.RASH_LARGE);
            long bytes = photos.stream().mapToLong(Long::longValue).sum();

            link(profile);
            long sent = System.currentTimeMillis();
            nurse.click("#case-send");
            nurse.waitUntil("everything in the outbox sent over " + profile, DELIVERED_WITHIN, CaseForms::outboxAllSent);
            long tookMs = System.currentTimeMillis() - sent;
            link("4g");

            JsonNode arrived = onlyCase(nurseApi, patient);
            assertThat(arrived.at("/summary/status").asText()).isEqualTo("SUBMITTED");
            assertThat(arrived.path("attachments")).hasSize(2);
            for (int i = 0; i < 2; i++) {
                JsonNode photo = arrived.path("attachments").get(i);
                assertThat(photo.path("complete").asBoolean()).isTrue();
                assertThat(photo.path("received").asLong()).isEqualTo(photo.path("declaredBytes").asLong());
            }
            assertThat(arrived.path("attachments").findValuesAsText("declaredBytes").stream().map(Long::valueOf).toList())
                    .containsExactlyInAnyOrderElementsOf(photos);
            System.out.printf("netlab %s: a case with two photos (%d bytes) sent in %d ms%n", profile, bytes, tookMs);
            result("case-" + profile, "sentMs", tookMs, "photoBytes", bytes);
        }
    }

    @Test
    void aBlackoutInTheMiddleOfAPhotoOnRural3gLeavesTheUploadWhereItStoodAndItResumes() throws Exception {
        ApiClient nurseApi = new ApiClient(base()).login("nurse1", "demo1234");
        String name = "Mimoun Ait Lhaj";
        String patient = registerConsentingPatient(nurseApi, name);
        try (BrowserSession nurse = nurseInTheLab()) {
            nurse.signIn("nurse1", "fr");
            nurse.awaitShellAndSignalling();
            CaseForms.choosePatient(nurse, patient, name);
            writeCase(nurse, "dermatology", "Éruption étendue du tronc, prurit intense.");
            long shrunk = CaseForms.attachPhotos(nurse, CaseForms.RASH_LARGE).get(0);

            link("3g-rural");
            nurse.click("#case-send");
            long[] partial = new long[1];
            nurse.waitUntil("part of the photo on the server", Duration.ofSeconds(90), b -> {
                JsonNode upload = CaseForms.firstAttachment(nurseApi, patient);
                partial[0] = upload == null ? 0 : upload.path("received").asLong();
                return partial[0] > 0;
            });
            link("blackout");
            nurse.waitUntil("the nurse's screen says offline", OFFLINE_SHOWN_WITHIN,
                    b -> "offline".equals(b.attribute("#link-status", "data-status")));
            JsonNode stood = CaseForms.firstAttachment(nurseApi, patient);
            assertThat(stood.path("complete").asBoolean()).as("the photo was cut before its end").isFalse();
            assertThat(CaseForms.outboxStates(nurse)).as("the photo and the sending wait in the outbox")
                    .anyMatch(state -> !"sent".equals(state));

            long back = System.currentTimeMillis();
            link("3g-rural");
            nurse.waitUntil("everything in the outbox sent once the link is back", DELIVERED_WITHIN, CaseForms::outboxAllSent);
            long resumedMs = System.currentTimeMillis() - back;
            link("4g");

            JsonNode arrived = onlyCase(nurseApi, patient);
            assertThat(arrived.at("/summary/status").asText()).isEqualTo("SUBMITTED");
            assertThat(arrived.path("attachments")).hasSize(1);
            JsonNode photo = arrived.path("attachments").get(0);
            assertThat(photo.path("complete").asBoolean()).isTrue();
            assertThat(photo.path("received").asLong()).isEqualTo(shrunk);
            System.out.printf("netlab 3g-rural blackout: photo of %d bytes cut at %d bytes, all sent %d ms after the link returned%n",
                    shrunk, stood.path("received").asLong(), resumedMs);
            result("case-3g-rural-blackout", "photoBytes", shrunk, "cutAtBytes", stood.path("received").asLong(),
                    "sentAfterLinkBackMs", resumedMs);
        }
    }

    private static void writeCase(BrowserSession nurse, String specialty, String question) {
        new Select(nurse.waitFor("#case-specialty")).selectByValue(specialty);
        nurse.driver().findElement(By.id("case-question")).sendKeys(question);
    }

    /** The patient's one case, in full: a retried request must not have made a second. */
    private static JsonNode onlyCase(ApiClient nurseApi, String patient) {
        List<JsonNode> cases = CaseForms.casesOf(nurseApi, patient);
        assertThat(cases).as("cases about the patient").hasSize(1);
        return nurseApi.get("/api/v1/cases/" + cases.get(0).path("id").asText()).json();
    }

    private static String registerConsentingPatient(ApiClient nurse, String fullName) {
        ApiClient.Response registered = nurse.post("/api/v1/patients", Map.of("fullName", fullName,
                "birthYear", 1968, "sex", "MALE", "preferredLanguage", "ar", "teleconsultationConsent", true));
        assertThat(registered.status()).as("registering " + fullName + ": " + registered.body()).isEqualTo(201);
        return registered.json().path("id").asText();
    }
}
