package ma.tabiblink.web.browser;

import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ma.tabiblink.web.support.WebTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/** Logging out in the browser ends the session on the server too. */
class LogoutBrowserTest extends WebTestSupport {

    @BeforeAll
    static void requireBrowser() {
        BrowserSession.assumeBrowserInstalled();
    }

    @Test
    void logoutReturnsToSignInAndTheRefreshTokenStopsWorking() throws Exception {
        try (BrowserSession admin = BrowserSession.open("http://127.0.0.1:" + port)) {
            admin.signIn("admin", "en");
            String refreshToken = (String) admin.script("return JSON.parse(sessionStorage.getItem('tabib.session')).refreshToken;");
            admin.click("#logout");
            admin.waitFor("#login-form");
            assertThat(admin.script("return sessionStorage.getItem('tabib.session')")).isNull();
            assertThat(api().post("/api/v1/auth/refresh", Map.of("refreshToken", refreshToken)).status()).isEqualTo(401);
        }
    }

}
