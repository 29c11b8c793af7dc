package ma.tabiblink.web.browser;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import ma.tabiblink.web.support.WebTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/** The nurse's pre-call check, and the language choice remembered on the device and in the user's profile. */
class PrecheckAndLanguageBrowserTest extends WebTestSupport {

    @BeforeAll
    static void requireBrowser() {
        BrowserSession.assumeBrowserInstalled();
    }

    @Test
    void precheckFindsCameraMicrophoneServerAndNetworkAndGivesPlainAdvice() throws Exception {
        try (BrowserSession nurse = BrowserSession.openTablet("http://127.0.0.1:" + port)) {
            nurse.signIn("nurse1", "fr");
            nurse.click("#run-precheck");
            nurse.waitUntil("pre-call check finished", b -> b.attribute("#precheck-result", "data-result") != null);
            assertThat(nurse.attribute("#precheck-result", "data-result")).isEqualTo("ok");
            assertThat(nurse.driver().findElements(By.cssSelector("#precheck-result .check[data-ok='ok']"))).hasSize(4);
            assertThat(nurse.driver().findElement(By.cssSelector("#precheck-result .advice")).getText())
                    .isEqualTo("Tout est prêt pour un appel vidéo.");
        }
    }

    @Test
    void languagePickedIsRememberedOnTheDeviceAndInTheProfile() throws Exception {
        String base = "http://127.0.0.1:" + port;
        try (BrowserSession first = BrowserSession.open(base)) {
            first.signIn("nurse2", "ar");
            assertThat(first.script("return localStorage.getItem('tabib.lang')")).isEqualTo("ar");
            first.waitUntil("language saved in the profile",
                    b -> "ar".equals(as("nurse2").get("/api/v1/me").json().path("language").asText()));
            first.click("#logout");
            first.waitFor("#login-form");
            assertThat(first.script("return document.documentElement.dir")).isEqualTo("rtl");
        }
        try (BrowserSession otherDevice = BrowserSession.open(base)) {
            otherDevice.driver().get(base + "/");
            otherDevice.waitFor("#login-form input[name=username]").sendKeys("nurse2");
            otherDevice.driver().findElement(By.cssSelector("#login-form input[name=password]")).sendKeys("demo1234");
            otherDevice.click("#login-form button[type=submit]");
            otherDevice.waitFor("#logout");
            otherDevice.waitUntil("profile language applied", b -> "ar".equals(b.script("return document.documentElement.lang")));
            assertThat(otherDevice.script("return getComputedStyle(document.body).direction")).isEqualTo("rtl");
        }
    }
}
