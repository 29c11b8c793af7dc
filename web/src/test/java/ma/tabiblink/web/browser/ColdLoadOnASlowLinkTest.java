package ma.tabiblink.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import ma.tabiblink.ops.netlab.NetworkLab;

/**
 * A tablet that has never opened Tabib Link, on a slow 3G link (400 kbit/s down, 150 up, 300 ms round trip) through
 * the network lab: from the tap on "sign in" to the nurse's screen she can use (the patient search and the specialty
 * buttons drawn). The requirement is 2 s, checked on the median by ops/scripts/bench-netlab.sh; one run here fails
 * only beyond twice that.
 */
class ColdLoadOnASlowLinkTest extends NetworkLabSupport {

    static final NetworkLab LAB = startLab();
    private static final String PROFILE = "3g-slow-start";
    private static final long USABLE_WITHIN_MS = 2000;
    private static final Duration PAGE_WAIT = Duration.ofSeconds(60);

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

    @Override
    NetworkLab lab() {
        return LAB;
    }

    /**
     * Two first visits: one taps "sign in" the moment the form is there, while the service worker is still keeping
     * the screens' files for offline use on the same link; the other after the time it takes to type a name and a
     * password, by which the shell is kept. The requirement (and this test's bound) is on the second, what a nurse
     * meets; the first is recorded beside it.
     */
    @Test
    void aNewTabletOnSlow3gHasAUsableNurseScreenWithinTwoSecondsOfSigningIn() throws Exception {
        link(PROFILE);
        FirstVisit atOnce = firstVisit(false);
        FirstVisit afterTyping = firstVisit(true);
        result(PROFILE, "signInPageMs", afterTyping.signInPageMs(), "usableMs", afterTyping.usableMs(),
                "usableTappedAtOnceMs", atOnce.usableMs(), "requests", afterTyping.requests(),
                "transferredBytes", afterTyping.transferredBytes());
        assertThat(afterTyping.usableMs()).as("from the sign-in tap to a usable screen on " + PROFILE)
                .isLessThanOrEqualTo(guard(USABLE_WITHIN_MS));
    }

    private record FirstVisit(long signInPageMs, long usableMs, long requests, long transferredBytes) {
    }

    private FirstVisit firstVisit(boolean afterTyping) throws Exception {
        try (BrowserSession nurse = nurseInTheLab()) {
            long opened = System.nanoTime();
            nurse.driver().get(base() + "/");
            nurse.waitUntil("the sign-in form", PAGE_WAIT, b -> !b.driver()
                    .findElements(By.cssSelector("#login-form button[type=submit]")).isEmpty());
            long signInPageMs = (System.nanoTime() - opened) / 1_000_000;
            nurse.driver().findElement(By.cssSelector("#login-form input[name=username]")).sendKeys("nurse1");
            nurse.driver().findElement(By.cssSelector("#login-form input[name=password]")).sendKeys("demo1234");
            if (afterTyping) {
                nurse.waitUntil("the shell kept for offline use", PAGE_WAIT, b -> Boolean.TRUE.equals(
                        b.script("return navigator.serviceWorker.controller?.state === 'activated';")));
            }
            nurse.script("window.tapAt = performance.now();");
            long tapped = System.nanoTime();
            nurse.driver().findElement(By.cssSelector("#login-form button[type=submit]")).click();
            nurse.waitUntil("the nurse's screen usable", PAGE_WAIT, b -> Boolean.TRUE.equals(b.script("""
                    const search = document.querySelector('#patient-search');
                    return Boolean(search && search.offsetParent
                      && document.querySelectorAll('#urgent button.specialty').length > 0);
                    """)));
            long usableMs = (System.nanoTime() - tapped) / 1_000_000;
            // The waterfall after the tap, for whoever works on this figure: start, end, bytes, path (the service
            // worker's own precache of the shell shares the link but is not in the page's entries).
            System.out.println((afterTyping ? "after typing" : "tapped at once") + ", usable after " + usableMs + " ms:\n"
                    + nurse.script("""
                    const tap = window.tapAt;
                    return performance.getEntriesByType('resource').filter((e) => e.startTime >= tap - 50)
                      .map((e) => Math.round(e.startTime - tap) + '..' + Math.round(e.responseEnd - tap) + ' ms '
                        + (e.transferSize || 0) + ' B ' + new URL(e.name).pathname).join('\\n');
                    """));
            Number requests = (Number) nurse.script("return performance.getEntriesByType('resource').length;");
            Number transferred = (Number) nurse.script("""
                    return [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
                      .reduce((sum, e) => sum + (e.transferSize || 0), 0);
                    """);
            return new FirstVisit(signInPageMs, usableMs, requests.longValue(), transferred.longValue());
        }
    }
}
