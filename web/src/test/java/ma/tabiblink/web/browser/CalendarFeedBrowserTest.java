package ma.tabiblink.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ma.tabiblink.web.support.WebTestSupport;

/**
 * The specialist makes a private calendar feed link on her screen, gets it once to copy into her calendar app, the
 * link serves her consultations to anyone holding it (no sign-in), and stopping it on the screen stops the link.
 */
class CalendarFeedBrowserTest extends WebTestSupport {

    private static final String FETCH_STATUS = """
            const done = arguments[arguments.length - 1];
            fetch(arguments[0], { credentials: 'omit' }).then(async (r) => done(r.status + ' ' + (await r.text()).slice(0, 15)))
              .catch((e) => done('failed ' + e));
            """;

    @BeforeAll
    static void requireBrowser() {
        BrowserSession.assumeBrowserInstalled();
    }

    @Test
    void aSpecialistMakesCopiesAndStopsHerCalendarLinkOnHerScreen() throws Exception {
        assertThat(as("dr.derm").put("/api/v1/me/language", Map.of("language", "fr")).status()).isLessThan(300);
        try (BrowserSession derm = BrowserSession.open("http://127.0.0.1:" + port)) {
            derm.signIn("dr.derm", "fr");
            derm.waitFor("#calendar-feed-create");
            derm.waitUntil("the feed state is shown", b -> b.driver().findElement(
                    org.openqa.selenium.By.id("calendar-feed-state")).getText().equals("Aucun lien actif."));

            derm.click("#calendar-feed-create");
            String url = derm.waitFor("#calendar-feed-url").getDomProperty("value");
            assertThat(url).matches("http://127\\.0\\.0\\.1:" + port + "/calendar/[A-Za-z0-9_-]{43}\\.ics");
            assertThat(derm.driver().findElement(org.openqa.selenium.By.id("calendar-feed-state")).getText())
                    .startsWith("Lien actif depuis le");
            assertThat(derm.driver().executeAsyncScript(FETCH_STATUS, url)).isEqualTo("200 BEGIN:VCALENDAR");

            derm.click("#calendar-feed-stop");
            derm.waitUntil("the link is gone from the screen",
                    b -> b.driver().findElements(org.openqa.selenium.By.id("calendar-feed-url")).isEmpty());
            assertThat(derm.driver().executeAsyncScript(FETCH_STATUS, url)).asString().startsWith("404");
            assertThat(derm.cspViolations()).isEmpty();
        }
    }
}
