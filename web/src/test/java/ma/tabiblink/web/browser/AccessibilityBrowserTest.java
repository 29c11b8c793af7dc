package ma.tabiblink.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

import ma.tabiblink.web.support.WebTestSupport;

/**
 * axe-core finds no violation, of any impact, on the screens of every role in Arabic, French and English, and every
 * control is at least 48 px: sign-in, the nurse's tablet, the specialist's desk, the coordinator's board, calendar,
 * booking form and waitlist, the administration.
 */
class AccessibilityBrowserTest extends WebTestSupport {

    private static final List<String> LANGUAGES = List.of("ar", "fr", "en");
    /**
     * Visible controls smaller than 48 × 48 CSS pixels. A checkbox or radio counts by its label, which takes the tap;
     * the skip link is measured focused, the only time it shows; links inside running text are exempt (WCAG 2.5.8).
     */
    private static final String SMALL_TARGETS = """
            const skip = document.querySelector('a.skip');
            if (skip) skip.focus();
            const small = [];
            for (const el of document.querySelectorAll('button, select, input:not([type=hidden]), textarea, a[href], [role=button], summary')) {
              const style = getComputedStyle(el);
              if (style.visibility === 'hidden' || el.closest('[hidden]') || el.getClientRects().length === 0) continue;
              if (el.matches('a[href]') && el.closest('p, li') && !el.matches('.skip, .button, .big')) continue;
              const target = el.matches('input[type=checkbox], input[type=radio]') ? (el.closest('label') || el) : el;
              const r = target.getBoundingClientRect();
              if (r.height < 47.5 || r.width < 47.5) {
                small.push((el.id ? '#' + el.id : el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ')[0] : ''))
                  + ' ' + Math.round(r.width) + 'x' + Math.round(r.height));
              }
            }
            if (skip) skip.blur();
            return small;
            """;

    @BeforeAll
    static void requireBrowser() {
        BrowserSession.assumeBrowserInstalled();
    }

    @Test
    void everyRoleScreenHasNoAccessibilityViolationInAnyLanguage() throws Exception {
        List<String> violations = new ArrayList<>();
        String base = "http://127.0.0.1:" + port;
        try (BrowserSession browser = BrowserSession.openTablet(base)) {
            browser.driver().get(base + "/");
            browser.waitFor("#login-form input[name=username]");
            Axe.violations(browser).forEach(v -> violations.add("sign-in: " + v));
            smallTargets(browser).forEach(v -> violations.add("sign-in: target smaller than 48 px: " + v));
        }
        List<String[]> screens = List.of(
                new String[] {"nurse1", "#urgent button.specialty", "nurse"},
                new String[] {"dr.cardio", "#availability", "specialist"},
                new String[] {"coord1", "#board-status[data-live='true']", "coordinator"},
                new String[] {"admin", "#admin-users table", "admin"});
        for (String[] screen : screens) {
            for (String language : LANGUAGES) {
                try (BrowserSession browser = screen[2].equals("nurse") ? BrowserSession.openTablet(base) : BrowserSession.open(base)) {
                    browser.signIn(screen[0], language);
                    browser.waitFor(screen[1]);
                    Axe.violations(browser).forEach(v -> violations.add(screen[2] + " " + language + ": " + v));
                    smallTargets(browser).forEach(v -> violations.add(screen[2] + " " + language
                            + ": target smaller than 48 px: " + v));
                }
            }
        }
        for (String language : LANGUAGES) {
            try (BrowserSession coordinator = BrowserSession.open(base)) {
                coordinator.signIn("coord1", language);
                coordinator.waitFor("#board-status[data-live='true']");
                coordinator.click("#tab-calendar");
                coordinator.waitUntil("specialties listed", b -> !b.driver().findElements(
                        By.cssSelector("#calendar-specialty option[value='dermatology']")).isEmpty());
                new Select(coordinator.waitFor("#calendar-specialty")).selectByValue("dermatology");
                coordinator.waitFor("#week button.slot.free:not([disabled])");
                check(coordinator, "calendar " + language, violations);
                coordinator.click("#week button.slot.free:not([disabled])");
                coordinator.waitFor("#book-patient").sendKeys("ab");
                coordinator.waitFor("#book-form");
                check(coordinator, "booking " + language, violations);
                coordinator.click("#tab-waitlist");
                coordinator.waitFor("#waitlist-form");
                check(coordinator, "waitlist " + language, violations);
            }
        }
        for (String user : List.of("nurse1", "dr.cardio", "coord1", "admin")) {
            as(user).put("/api/v1/me/language", Map.of("language", "fr"));
        }
        violations.forEach(System.out::println);
        assertThat(violations).isEmpty();
    }

    static void check(BrowserSession browser, String state, List<String> violations) {
        Axe.violations(browser).forEach(v -> violations.add(state + ": " + v));
        smallTargets(browser).forEach(v -> violations.add(state + ": target smaller than 48 px: " + v));
    }

    @SuppressWarnings("unchecked")
    private static List<String> smallTargets(BrowserSession browser) {
        return (List<String>) browser.script(SMALL_TARGETS);
    }
}
