package ma.tabiblink.web.browser;

import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import ma.tabiblink.web.support.WebTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/** Each role's main screen in Arabic (right-to-left, mirrored) and French, saved as screenshots for the README. */
class RoleScreensBrowserTest extends WebTestSupport {

    /** The data-i18n keys on the page that the current language's bundle lacks. */
    private static final String MISSING_KEYS = """
            const done = arguments[arguments.length - 1];
            fetch('/i18n/' + document.documentElement.lang + '.json').then((r) => r.json()).then((bundle) => {
              const keys = [...document.querySelectorAll('[data-i18n]')].map((el) => el.dataset.i18n);
              done([...new Set(keys.filter((key) => !(key in bundle)))]);
            }, () => done(['bundle not loaded']));
            """;

    /** Uncompressed bytes of the page and every static file it loaded (API calls excluded). */
    private static final String STATIC_BYTES = """
            const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
            return entries.filter((e) => !e.name.includes('/api/') && !e.name.includes('/actuator/'))
              .reduce((sum, e) => sum + (e.decodedBodySize || 0), 0);
            """;

    @BeforeAll
    static void requireBrowser() {
        BrowserSession.assumeBrowserInstalled();
    }

    @Test
    void arabicNurseScreenRendersRightToLeftWithTheLayoutMirrored() throws Exception {
        try (BrowserSession nurse = BrowserSession.openTablet("http://127.0.0.1:" + port)) {
            nurse.signIn("nurse1", "ar");
            nurse.waitFor("#urgent button.specialty");

            assertThat(nurse.script("return document.documentElement.dir")).isEqualTo("rtl");
            assertThat(nurse.script("return document.documentElement.lang")).isEqualTo("ar");
            assertThat(nurse.script("return getComputedStyle(document.getElementById('main')).direction")).isEqualTo("rtl");
            // Mirrored: the brand sits at the right edge and the language switch at the left edge of the top bar.
            long width = ((Number) nurse.script("return document.documentElement.clientWidth")).longValue();
            WebElement brand = nurse.driver().findElement(By.cssSelector("#topbar .brand"));
            WebElement languageSwitch = nurse.driver().findElement(By.id("lang"));
            assertThat(brand.getRect().getX()).isGreaterThan((int) (width / 2));
            assertThat(languageSwitch.getRect().getX()).isLessThan((int) (width / 2));
            assertThat(nurse.driver().findElement(By.cssSelector("#urgent-title [data-i18n]")).getText()).isEqualTo("اتصل بطبيب أخصائي");
            nurse.screenshot("nurse-ar");
        }
    }

    /**
     * 150 KB until the offline shell added its link watch and device store (network.js, device.js, about 18 KB with
     * the manifest and icon), then 175 KB, which the screen had already outgrown (184.6 KB measured before the case
     * flow). The store-and-forward cases add about 43 KB: the case form and list (cases.js, 15 KB), the outbox
     * (outbox.js, 8 KB), its store (device.js, +3 KB), styles (+2 KB) and their words in each bundle (+4 to 5 KB).
     * The measure also counts every language bundle the sign-in flow loaded (up to three). The voice note adds about
     * 5 KB up front (its words, styles, outbox item) and its recorder (7 KB) loads with the case form; the pre-call
     * check (8 KB) now loads when run, which kept the screen under 235 KB (235.5 KB measured). 245 KB since the
     * screens' accessibility work and the coordinator's and specialist's new screens: about 1.6 KB more words in
     * each bundle (most of them other roles' words: the bundles are per language, not per role), 1.6 KB of styles,
     * and the patients' ages (1.3 KB of script). 255 KB since the three-step urgent call: live availability on the
     * specialty buttons, step titles and errors that stay with a retry (nurse.js and dom.js +5 KB, styles +2.5 KB,
     * about 2.6 KB more words in each bundle; the pre-join screen, 7 KB, loads at the first tap). 248.8 KB measured.
     */
    @Test
    void nurseScreenDownloadsLessThan255KilobytesOfStaticFiles() throws Exception {
        // Her screen opens in her own language: left Arabic by another test, it would load both word lists.
        assertThat(as("nurse1").put("/api/v1/me/language", java.util.Map.of("language", "fr")).status()).isLessThan(300);
        try (BrowserSession nurse = BrowserSession.openTablet("http://127.0.0.1:" + port)) {
            nurse.signIn("nurse1", "fr");
            nurse.waitFor("#urgent button.specialty");
            long bytes = ((Number) nurse.script(STATIC_BYTES)).longValue();
            System.out.printf("Nurse screen static files: %d bytes uncompressed%n", bytes);
            assertThat(bytes).isPositive().isLessThan(255 * 1024);
        }
    }

    /** A patient's name and age as the nurse's and specialist's screens show them, in the page's own modules. */
    private static final String IDENTITY = """
            const done = arguments[arguments.length - 1];
            import('/js/patient.js').then(({ patientIdentity }) => {
              const p = document.createElement('p');
              p.id = 'age-probe';
              p.append(...patientIdentity({ fullName: 'Mimoun Ageshown', birthYear: arguments[0] }));
              document.getElementById('main').append(p);
              done(p.textContent);
            }).catch((e) => done('failed: ' + e));
            """;

    @Test
    void aPatientsAgeIsWrittenInTheScreensLanguageOnOneLine() throws Exception {
        int age = 47;
        int birthYear = java.time.LocalDate.now().getYear() - age;
        assertThat(as("nurse1").put("/api/v1/me/language", java.util.Map.of("language", "fr")).status()).isLessThan(300);
        try (BrowserSession nurse = BrowserSession.openTablet("http://127.0.0.1:" + port)) {
            nurse.signIn("nurse1", "fr");
            nurse.waitFor("#urgent button.specialty");
            assertThat(nurse.driver().executeAsyncScript(IDENTITY, birthYear)).isEqualTo("Mimoun Ageshown · " + age + " ans");
            assertThat(nurse.script("return getComputedStyle(document.querySelector('#age-probe .age')).whiteSpace"))
                    .isEqualTo("nowrap");
            new org.openqa.selenium.support.ui.Select(nurse.driver().findElement(By.id("lang"))).selectByValue("ar");
            nurse.waitUntil("the age in Arabic", b -> b.driver().findElement(By.cssSelector("#age-probe .age"))
                    .getText().equals(age + " سنة"));
            new org.openqa.selenium.support.ui.Select(nurse.driver().findElement(By.id("lang"))).selectByValue("en");
            nurse.waitUntil("the age in English", b -> b.driver().findElement(By.cssSelector("#age-probe .age"))
                    .getText().equals(age + " years"));
        }
        assertThat(as("nurse1").put("/api/v1/me/language", java.util.Map.of("language", "fr")).status()).isLessThan(300);
    }

    @Test
    void everyRoleMainScreenIsCapturedInArabicAndFrench() throws Exception {
        List<String[]> screens = List.of(
                new String[] {"nurse1", "#urgent button.specialty", "nurse"},
                new String[] {"dr.cardio", "#availability", "specialist"},
                new String[] {"coord1", "#board-status[data-live='true']", "coordinator"},
                new String[] {"admin", "#admin-users table", "admin"});
        String base = "http://127.0.0.1:" + port;
        for (String[] screen : screens) {
            for (String language : List.of("ar", "fr")) {
                // The role's usual device under the plain name (the nurse's tablet, the others' desktops), and the other.
                boolean tabletFirst = screen[2].equals("nurse");
                for (boolean tablet : List.of(tabletFirst, !tabletFirst)) {
                    try (BrowserSession browser = tablet ? BrowserSession.openTablet(base) : BrowserSession.open(base)) {
                        browser.signIn(screen[0], language);
                        browser.waitFor(screen[1]);
                        assertThat(browser.script("return document.documentElement.dir")).isEqualTo(language.equals("ar") ? "rtl" : "ltr");
                        assertThat(browser.driver().executeAsyncScript(MISSING_KEYS)).asList().isEmpty();
                        String suffix = tablet == tabletFirst ? "" : tablet ? "-tablet" : "-desktop";
                        browser.screenshot(screen[2] + "-" + language + suffix);
                    }
                }
            }
        }
    }
}
