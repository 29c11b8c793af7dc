package ma.tabiblink.web.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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

import ma.tabiblink.web.signaling.EmbeddedSignaling;
import ma.tabiblink.web.support.ApiClient;
import ma.tabiblink.web.support.WebTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The nurse's tablet on a link that dies for real: the browser reaches the application (page, API and signalling
 * socket) only through {@link CuttableLink}s the test cuts and restores. The screen says offline soon after the link
 * dies, searches the patient list kept on the tablet and says so, opens again from the service worker, comes back
 * by itself; signing out leaves no patient data on the tablet, and no API answer is ever kept in Cache Storage.
 * A patient registered offline whom a colleague registered meanwhile comes back as a duplicate the nurse resolves.
 */
class OfflineNurseBrowserTest extends WebTestSupport {

    private static final CuttableLink WEB = CuttableLink.open();
    private static final CuttableLink SIGNALING = CuttableLink.open();
    /** The requirement is "within about ten seconds"; this bound only keeps a slow test machine from failing it. */
    private static final Duration OFFLINE_SHOWN_WITHIN = Duration.ofSeconds(15);
    private static final String NURSE1_PATIENT = "Mohamed Oubella";
    private static final String NURSE2_PATIENT = "Lahcen Amellal";

    /**
     * How the reload with the link cut went, for docs/benchmarks.md: when the document was parsed and loaded (ms from
     * the navigation's start), how many files the service worker served and their size, and by when the signed-in
     * screen was there (an upper bound: when the test saw it).
     */
    private static final String SHELL_FROM_CACHE = """
            const nav = performance.getEntriesByType('navigation')[0];
            const files = performance.getEntriesByType('resource').filter((r) => r.name.startsWith(location.origin));
            const bytes = files.reduce((sum, r) => sum + (r.decodedBodySize || 0), 0) + (nav.decodedBodySize || 0);
            return 'domContentLoadedMs=' + Math.round(nav.domContentLoadedEventEnd) + ' loadMs=' + Math.round(nav.loadEventEnd)
                + ' files=' + (files.length + 1) + ' bytes=' + bytes
                + ' fromServiceWorker=' + (nav.workerStart > 0) + ' signedInScreenByMs=' + Math.round(performance.now());
            """;

    /** Names in the tablet's patient store; null when there is no store. Never creates the database. */
    private static final String SAVED_PATIENTS = """
            const done = arguments[arguments.length - 1];
            (async () => {
              const databases = await indexedDB.databases();
              if (!databases.some((d) => d.name === 'tabib-device')) return null;
              return new Promise((resolve) => {
                const request = indexedDB.open('tabib-device');
                request.onupgradeneeded = () => request.transaction.abort();
                request.onerror = () => resolve(null);
                request.onsuccess = () => {
                  const db = request.result;
                  if (!db.objectStoreNames.contains('patients')) { db.close(); resolve([]); return; }
                  const all = db.transaction('patients').objectStore('patients').getAll();
                  all.onsuccess = () => { db.close(); resolve(all.result.map((p) => p.fullName)); };
                  all.onerror = () => { db.close(); resolve(null); };
                };
              });
            })().then(done, (e) => done('failed: ' + e));
            """;

    /** Every cache name and the paths of every request stored in it: {name: [paths]}. */
    private static final String CACHE_STORAGE = """
            const done = arguments[arguments.length - 1];
            (async () => {
              const out = {};
              for (const name of await caches.keys()) {
                const requests = await (await caches.open(name)).keys();
                out[name] = requests.map((r) => new URL(r.url).pathname + new URL(r.url).search);
              }
              return out;
            })().then(done, (e) => done({ failed: [String(e)] }));
            """;

    @Autowired
    private EmbeddedSignaling signaling;

    @DynamicPropertySource
    static void throughTheCuttableLink(DynamicPropertyRegistry registry) throws IOException {
        registry.add("tabib.demo", () -> "true");
        registry.add("tabib.signaling.port", () -> "0");
        String dataDir = Files.createTempDirectory("tabib-offline-test").toString();
        registry.add("tabib.data-dir", () -> dataDir);
        registry.add("tabib.signaling.public-url", () -> "ws://127.0.0.1:" + SIGNALING.port() + "/signal");
        registry.add("tabib.allowed-origins", () -> "http://127.0.0.1:" + WEB.port());
        // Each cut leaves a resumable session behind for its resume window: room for all of this class's sign-ins.
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
        restoreLink();
    }

    @AfterEach
    void restoreLinkAfterwards() {
        restoreLink();
    }

    @AfterAll
    static void closeLinks() {
        WEB.close();
        SIGNALING.close();
    }

    @Test
    void aDeadLinkIsShownAsOfflineAndThePatientSearchUsesTheListSavedOnTheTabletThenRefreshesWhenTheLinkReturns()
            throws Exception {
        try (BrowserSession nurse = openNurse()) {
            nurse.signIn("nurse1", "fr");
            waitUntilReadyForOffline(nurse);

            long cutAt = System.nanoTime();
            cutLink();
            nurse.waitUntil("the nurse's screen says offline", OFFLINE_SHOWN_WITHIN,
                    b -> "offline".equals(b.attribute("#link-status", "data-status")));
            System.out.printf("Dead link shown as offline after %d ms%n", (System.nanoTime() - cutAt) / 1_000_000);
            assertThat(nurse.driver().findElement(By.id("link-status")).getText()).isEqualTo("Hors ligne : pas de réseau");

            search(nurse, "oubel");
            // The results are drawn again as the search text changes: read them until they settle.
            nurse.waitUntil("the search says it looks among the patients saved on this tablet",
                    b -> "Hors ligne : recherche parmi les patients enregistrés sur cette tablette."
                            .equals(b.driver().findElement(By.id("offline-search")).getText()));
            nurse.waitUntil("only the saved patient matching the search is found",
                    b -> resultNames(b).equals(List.of(NURSE1_PATIENT)));
            search(nurse, "amellal");
            nurse.waitUntil("another dispensary's patient is not on this tablet",
                    b -> b.driver().getPageSource().contains("Aucun patient enregistré sur cette tablette ne correspond."));
            assertThat(resultNames(nurse)).isEmpty();

            // Meanwhile the dispensary registers a patient (from another device): the tablet learns it when the link returns.
            String newcomer = "Zahra Idrissi";
            registerConsentingPatient(as("nurse1"), newcomer);
            search(nurse, "");
            nurse.waitUntil("the whole saved list shown offline", b -> resultNames(b).contains(NURSE1_PATIENT));
            assertThat(resultNames(nurse)).doesNotContain(newcomer);
            // A search by name, so that the answer does not depend on how many patients other tests registered.
            search(nurse, "idrissi");
            nurse.waitUntil("the newcomer is not on this tablet yet",
                    b -> b.driver().getPageSource().contains("Aucun patient enregistré sur cette tablette ne correspond."));

            restoreLink();
            nurse.waitUntil("the real link state is back", b -> "open".equals(b.attribute("#link-status", "data-status")));
            nurse.waitUntil("the patient list refreshed from the server by itself",
                    b -> b.driver().findElements(By.id("offline-search")).isEmpty() && resultNames(b).contains(newcomer));
            nurse.waitUntil("the list kept on the tablet refreshed too", b -> savedPatients(b).contains(newcomer));
            assertThat(savedPatients(nurse)).doesNotContain(NURSE2_PATIENT);

            assertOnlyTheShellIsCached(nurse);
            assertThat(nurse.cspViolations()).isEmpty();
        }
    }

    @Test
    void aPatientRegisteredOfflineWhomAColleagueRegisteredMeanwhileIsResolvedByUsingTheExistingPatient() throws Exception {
        String name = "Hadda Ouconflit";
        ApiClient admin = as("admin");
        assertThat(admin.post("/api/v1/admin/users", Map.of("id", "nurse.tinghir2", "displayName", "Itto Collegue",
                "role", "NURSE", "password", "a-long-password", "dispensaryId", "disp-tinghir", "language", "fr"))
                .status()).isEqualTo(201);
        ApiClient colleague = api().login("nurse.tinghir2", "a-long-password");
        ApiClient nurseApi = as("nurse1");
        try (BrowserSession nurse = openNurse()) {
            nurse.signIn("nurse1", "fr");
            waitUntilReadyForOffline(nurse);
            nurse.waitFor("#urgent button.specialty");

            cutLink();
            nurse.waitUntil("the nurse's screen says offline", OFFLINE_SHOWN_WITHIN,
                    b -> "offline".equals(b.attribute("#link-status", "data-status")));
            nurse.click("details.register summary");
            nurse.waitFor("#register-patient input[name=fullName]").sendKeys(name);
            nurse.script("document.querySelector('#register-patient input[name=birthDate]').value = '1972-06-01';");
            nurse.driver().findElement(By.cssSelector("#register-patient input[name=nationalId]")).sendKeys("HC445566");
            nurse.click("#register-patient input[name=consent]");
            nurse.click("#register-patient button[type=submit]");
            nurse.waitFor("#pending-patient");
            new Select(nurse.waitFor("#case-specialty")).selectByValue("cardiology");
            nurse.driver().findElement(By.id("case-question")).sendKeys("Palpitations depuis hier soir.");
            nurse.click("#case-send");
            nurse.waitUntil("the registration and the case wait in the outbox",
                    b -> outboxKinds(b).equals(List.of("patient", "case", "submit")));

            // Meanwhile a colleague of the dispensary registers the same patient (same national ID) online.
            ApiClient.Response existing = colleague.post("/api/v1/patients", Map.of("fullName", name, "birthYear", 1972,
                    "sex", "FEMALE", "nationalId", "HC445566", "teleconsultationConsent", true));
            assertThat(existing.status()).as(existing.body()).isEqualTo(201);
            String existingId = existing.json().path("id").asText();

            restoreLink();
            String resolution = "#outbox li.outbox-item[data-kind=patient] .duplicate-resolution[data-code=PATIENT_DUPLICATE]";
            nurse.waitUntil("the registration comes back as a duplicate", Duration.ofSeconds(60),
                    b -> !b.driver().findElements(By.cssSelector(resolution)).isEmpty());
            assertThat(nurse.driver().findElement(By.cssSelector(resolution)).getText())
                    .contains("Cette personne est déjà enregistrée : " + name + " (1972).", "Utiliser ce dossier", "Abandonner");
            assertThat(nurse.driver().findElements(By.cssSelector(resolution + " [data-action=register-anyway]"))).isEmpty();
            nurse.screenshot("nurse-duplicate-resolution-fr");
            // The case waits for the nurse's answer: nothing about this patient reached the server from the tablet.
            assertThat(casesOf(nurseApi, existingId)).isEmpty();

            nurse.click(resolution + " .duplicate-of[data-patient-id='" + existingId + "'] button[data-action=use-existing]");
            nurse.waitUntil("the case sent for the existing patient", Duration.ofSeconds(60), b -> {
                List<String> kinds = outboxKinds(b);
                return !kinds.contains("patient") && outboxStates(b).stream().allMatch("sent"::equals);
            });
            nurse.waitFor("#patient .patient-chosen[data-patient-id='" + existingId + "']");
            assertThat(casesOf(nurseApi, existingId)).hasSize(1);
            assertThat(StreamSupport.stream(nurseApi.get("/api/v1/patients?limit=50&q=ouconflit").json().spliterator(), false)
                    .filter(p -> name.equals(p.path("fullName").asText())).map(p -> p.path("id").asText()).toList())
                    .containsExactly(existingId);
            assertThat(nurse.cspViolations()).isEmpty();
        }
    }

    @Test
    void aNamesakeRegisteredOnlineIsAskedAboutAndConsentRecordedOfflineIsSentWhenTheLinkReturns() throws Exception {
        String name = "Tudda Homonyme";
        ApiClient nurseApi = as("nurse1");
        assertThat(nurseApi.post("/api/v1/patients", Map.of("fullName", name, "birthYear", 1958, "sex", "FEMALE",
                "teleconsultationConsent", true)).status()).isEqualTo(201);
        ApiClient.Response undecided = nurseApi.post("/api/v1/patients", Map.of("fullName", "Mamma Sansaccord",
                "birthYear", 1961, "sex", "FEMALE", "teleconsultationConsent", false));
        assertThat(undecided.status()).as(undecided.body()).isEqualTo(201);
        String undecidedId = undecided.json().path("id").asText();
        try (BrowserSession nurse = openNurse()) {
            nurse.signIn("nurse1", "fr");
            waitUntilReadyForOffline(nurse);

            // Online: the same name and birth year is a likely duplicate; the nurse says it is another person.
            nurse.click("details.register summary");
            nurse.waitFor("#register-patient input[name=fullName]").sendKeys("tudda  homonyme");
            nurse.script("document.querySelector('#register-patient input[name=birthDate]').value = '1958-09-30';");
            nurse.click("#register-patient input[name=consent]");
            nurse.click("#register-patient button[type=submit]");
            String resolution = "#register-resolution .duplicate-resolution[data-code=PATIENT_POSSIBLE_DUPLICATE]";
            assertThat(nurse.waitFor(resolution).getText()).contains("Cette personne est déjà enregistrée : " + name
                    + " (1958).", "Une autre personne : enregistrer quand même");
            nurse.click(resolution + " button[data-action=register-anyway]");
            nurse.waitUntil("the other person registered and chosen", b -> b.driver().findElements(
                    By.cssSelector("#patient .patient-chosen[data-patient-id^='pat-']")).size() == 1);
            assertThat(StreamSupport.stream(nurseApi.get("/api/v1/patients?limit=50&q=homonyme").json().spliterator(), false)
                    .filter(p -> p.path("fullName").asText().equalsIgnoreCase(name)).count()).isEqualTo(2);

            // Offline: consent heard from the patient is recorded on the tablet and sent when the link returns.
            nurse.click("#patient button.secondary");
            search(nurse, "sansaccord");
            nurse.click("#patient-results button[data-patient-id='" + undecidedId + "']");
            nurse.waitFor("#consent-missing");
            cutLink();
            nurse.waitUntil("the nurse's screen says offline", OFFLINE_SHOWN_WITHIN,
                    b -> "offline".equals(b.attribute("#link-status", "data-status")));
            nurse.click("#record-consent");
            nurse.waitUntil("the consent waits in the outbox", b -> outboxKinds(b).equals(List.of("consent")));
            assertThat(nurse.driver().findElements(By.id("consent-missing"))).isEmpty();
            assertThat(nurseApi.get("/api/v1/patients/" + undecidedId).json().at("/consent/teleconsultation").asBoolean())
                    .isFalse();

            restoreLink();
            nurse.waitUntil("the consent sent", Duration.ofSeconds(60),
                    b -> outboxStates(b).equals(List.of("sent")));
            assertThat(nurseApi.get("/api/v1/patients/" + undecidedId).json().at("/consent/teleconsultation").asBoolean())
                    .isTrue();
        }
    }

    @Test
    void reloadingWhileTheLinkIsCutShowsTheAppFromTheServiceWorkerStillSignedIn() throws Exception {
        try (BrowserSession nurse = openNurse()) {
            nurse.signIn("nurse1", "ar");
            waitUntilReadyForOffline(nurse);

            cutLink();
            nurse.driver().navigate().refresh();
            nurse.waitFor("#logout");
            System.out.println("offline-shell " + nurse.script(SHELL_FROM_CACHE));
            assertThat(nurse.driver().getCurrentUrl()).startsWith(baseUrl());
            assertThat(nurse.script("return document.documentElement.dir")).isEqualTo("rtl");
            assertThat(nurse.script("return JSON.parse(sessionStorage.getItem('tabib.session')).user.role")).isEqualTo("NURSE");
            nurse.waitUntil("the reloaded screen says offline", OFFLINE_SHOWN_WITHIN,
                    b -> "offline".equals(b.attribute("#link-status", "data-status")));
            nurse.waitFor("#patient-results #offline-search");
            assertThat(resultNames(nurse)).contains(NURSE1_PATIENT);
            search(nurse, "oubel");
            nurse.waitUntil("the offline search by name", b -> resultNames(b).contains(NURSE1_PATIENT));

            restoreLink();
            nurse.waitUntil("the link state is back after the offline reload",
                    b -> "open".equals(b.attribute("#link-status", "data-status")));
            nurse.waitUntil("the search answered by the server again",
                    b -> b.driver().findElements(By.id("offline-search")).isEmpty() && resultNames(b).contains(NURSE1_PATIENT));
            nurse.waitFor("#urgent button.specialty");
            assertOnlyTheShellIsCached(nurse);
            assertThat(nurse.cspViolations()).isEmpty();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theAppIsInstallableFromItsManifest() throws Exception {
        try (BrowserSession nurse = openNurse()) {
            nurse.signIn("nurse1", "fr");
            waitUntilReadyForOffline(nurse);
            Map<String, Object> manifest = nurse.driver().executeCdpCommand("Page.getAppManifest", Map.of());
            assertThat(manifest.get("url")).isEqualTo(baseUrl() + "/manifest.webmanifest");
            assertThat((List<Object>) manifest.get("errors")).isEmpty();
            Map<String, Object> installability = nurse.driver().executeCdpCommand("Page.getInstallabilityErrors", Map.of());
            assertThat((List<Object>) installability.get("installabilityErrors")).isEmpty();
        }
    }

    @Test
    void signingOutWipesThePatientListFromTheTabletAndLeavesOnlyTheShellInCacheStorage() throws Exception {
        try (BrowserSession nurse = openNurse()) {
            nurse.signIn("nurse1", "en");
            waitUntilReadyForOffline(nurse);

            nurse.click("#logout");
            nurse.waitFor("#login-form");
            nurse.waitUntil("the tablet's patient store is deleted", b -> savedPatients(b) == null);
            assertThat(nurse.script("return indexedDB.databases().then((d) => d.map((x) => x.name))")).asList().isEmpty();
            assertOnlyTheShellIsCached(nurse);
        }
    }

    @Test
    void beingSignedOutElsewhereWipesThePatientListFromTheTablet() throws Exception {
        try (BrowserSession nurse = openNurse()) {
            nurse.signIn("nurse1", "fr");
            waitUntilReadyForOffline(nurse);
            String refreshToken = (String) nurse.script("return JSON.parse(sessionStorage.getItem('tabib.session')).refreshToken");

            assertThat(api().post("/api/v1/auth/logout", Map.of("refreshToken", refreshToken)).status()).isLessThan(300);
            nurse.waitFor("#login-form");
            nurse.waitUntil("the tablet's patient store is deleted", b -> savedPatients(b) == null);
        }
    }

    @Test
    void aTabletLeftSignedInKeepsNoListOnceClosedAndTheNextNurseSeesOnlyHerOwnPatients() throws Exception {
        try (BrowserSession tablet = openNurse()) {
            tablet.signIn("nurse1", "fr");
            waitUntilReadyForOffline(tablet);

            // Closing the app forgets the session (sessionStorage) but not IndexedDB: the next start wipes it.
            tablet.script("sessionStorage.removeItem('tabib.session'); sessionStorage.removeItem('tabib.config')");
            tablet.driver().navigate().refresh();
            tablet.waitFor("#login-form");
            tablet.waitUntil("nothing kept while nobody is signed in", b -> savedPatients(b) == null);

            tablet.signIn("nurse2", "fr");
            tablet.waitUntil("nurse2's list saved", b -> {
                List<String> saved = savedPatients(b);
                return saved != null && saved.contains(NURSE2_PATIENT);
            });
            assertThat(savedPatients(tablet)).doesNotContain(NURSE1_PATIENT);
        }
    }

    private BrowserSession openNurse() throws IOException {
        return BrowserSession.openOfflineTablet(baseUrl());
    }

    private String baseUrl() {
        return "http://127.0.0.1:" + WEB.port();
    }

    /** The shell installed and controlling the page, the socket open and the dispensary's list kept on the tablet. */
    private static void waitUntilReadyForOffline(BrowserSession nurse) {
        nurse.awaitShellAndSignalling();
        nurse.waitUntil("the dispensary's list is kept on the tablet", b -> {
            List<String> saved = savedPatients(b);
            return saved != null && saved.contains(NURSE1_PATIENT);
        });
    }

    private static void cutLink() {
        WEB.cut();
        SIGNALING.cut();
    }

    private static void restoreLink() {
        WEB.restore();
        SIGNALING.restore();
    }

    private static void search(BrowserSession nurse, String text) {
        WebElement query = nurse.waitFor("#patient-search");
        query.clear();
        query.sendKeys(text);
        nurse.click("#patient form[role=search] button[type=submit]");
    }

    /** The names on the patient buttons (their labels end with " · " and the age). */
    private static List<String> resultNames(BrowserSession nurse) {
        return nurse.driver().findElements(By.cssSelector("#patient-results button.pick")).stream()
                .map(button -> button.getText().replaceFirst("\\s*·.*$", "")).toList();
    }

    private static List<String> outboxKinds(BrowserSession nurse) {
        return nurse.driver().findElements(By.cssSelector("#outbox li.outbox-item")).stream()
                .map(li -> li.getDomAttribute("data-kind")).toList();
    }

    private static List<String> outboxStates(BrowserSession nurse) {
        return nurse.driver().findElements(By.cssSelector("#outbox li.outbox-item")).stream()
                .map(li -> li.getDomAttribute("data-state")).toList();
    }

    /** The dispensary's cases about the patient, as the server lists them to the nurse. */
    private static List<String> casesOf(ApiClient nurse, String patientId) {
        return StreamSupport.stream(nurse.get("/api/v1/cases").json().spliterator(), false)
                .filter(c -> patientId.equals(c.path("patientId").asText())).map(c -> c.path("id").asText()).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<String> savedPatients(BrowserSession nurse) {
        Object names = nurse.driver().executeAsyncScript(SAVED_PATIENTS);
        if (names instanceof String failure) {
            throw new AssertionError(failure);
        }
        return (List<String>) names;
    }

    /** Cache Storage holds the current shell and nothing else: no API answer, socket or management path, ever. */
    @SuppressWarnings("unchecked")
    private static void assertOnlyTheShellIsCached(BrowserSession browser) throws IOException {
        Map<String, List<String>> caches = (Map<String, List<String>>) browser.driver().executeAsyncScript(CACHE_STORAGE);
        assertThat(caches).hasSize(1);
        assertThat(caches.keySet()).allMatch(name -> name.startsWith("tabib-shell-"));
        List<String> cached = caches.values().iterator().next();
        assertThat(cached).noneMatch(path -> path.startsWith("/api/") || path.startsWith("/actuator")
                || path.startsWith("/signal") || path.startsWith("/board") || path.contains("?"));
        assertThat(cached).containsExactlyInAnyOrderElementsOf(ServiceWorkerShellTest.shellList());
    }
}
