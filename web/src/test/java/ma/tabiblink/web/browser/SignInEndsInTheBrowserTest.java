package ma.tabiblink.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ma.tabiblink.web.support.ApiClient;
import ma.tabiblink.web.support.WebTestSupport;

/** The screens open their sockets with tickets, and leave when the sign-in session is ended from elsewhere. */
class SignInEndsInTheBrowserTest extends WebTestSupport {

    private static final Duration CUT_OFF = Duration.ofSeconds(5);

    @BeforeAll
    static void requireBrowser() {
        BrowserSession.assumeBrowserInstalled();
    }

    @Test
    void aNurseWhoseAccountIsDisabledIsCutOffAndSentBackToSignIn() throws Exception {
        ApiClient admin = as("admin");
        try (BrowserSession tablet = BrowserSession.openTablet("http://127.0.0.1:" + port)) {
            tablet.signIn("nurse2", "fr");
            tablet.waitUntil("the signalling link is open (opened with a ticket)",
                    b -> "open".equals(b.script("return document.body.dataset.signal")));
            assertThat(admin.put("/api/v1/admin/users/nurse2/enabled", Map.of("enabled", false)).status()).isEqualTo(200);
            tablet.waitUntil("back on the sign-in screen", CUT_OFF, b -> b.attribute("#login-form", "id") != null);
            assertThat(tablet.attribute("#login-form .error", "data-i18n")).isIn("session.ended", "session.expired");
            assertThat(tablet.script("return sessionStorage.getItem('tabib.session')")).isNull();
        } finally {
            admin.put("/api/v1/admin/users/nurse2/enabled", Map.of("enabled", true));
        }
    }

    @Test
    void signingOutElsewhereClosesTheCoordinatorsBoardAndScreen() throws Exception {
        try (BrowserSession coordinator = BrowserSession.open("http://127.0.0.1:" + port)) {
            coordinator.signIn("coord1", "en");
            coordinator.waitUntil("the live board is connected (opened with a ticket)",
                    b -> "true".equals(b.attribute("#board-status", "data-live")));
            String refreshToken = (String) coordinator.script(
                    "return JSON.parse(sessionStorage.getItem('tabib.session')).refreshToken;");
            // the same session signed out from another tab or by a script holding only the refresh token
            assertThat(api().post("/api/v1/auth/logout", Map.of("refreshToken", refreshToken)).status()).isEqualTo(204);
            coordinator.waitUntil("back on the sign-in screen", CUT_OFF, b -> b.attribute("#login-form", "id") != null);
            assertThat(coordinator.attribute("#login-form .error", "data-i18n")).isEqualTo("session.ended");
        }
    }
}
