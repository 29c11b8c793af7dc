package ma.tabiblink.web.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import ma.tabiblink.web.support.ApiClient;

import static org.assertj.core.api.Assertions.assertThat;

/** A signed-in user who stops using the screen is logged off automatically and told why (own application, short timeout). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class InactivityBrowserTest {

    @LocalServerPort
    private int port;


    @DynamicPropertySource
    static void shortInactivity(DynamicPropertyRegistry registry) throws IOException {
        registry.add("tabib.auth.idle-timeout", () -> "8s");
        registry.add("tabib.demo", () -> "true");
        registry.add("tabib.signaling.port", () -> "0");
        String dataDir = Files.createTempDirectory("tabib-session-test").toString();
        registry.add("tabib.data-dir", () -> dataDir);
    }

    @BeforeAll
    static void requireBrowser() {
        BrowserSession.assumeBrowserInstalled();
    }

    @Test
    void idleUserIsLoggedOffAndToldWhy() throws Exception {
        try (BrowserSession coordinator = BrowserSession.open("http://127.0.0.1:" + port)) {
            coordinator.signIn("coord1", "en");
            coordinator.waitUntil("logged off after inactivity", Duration.ofSeconds(40),
                    b -> !b.driver().findElements(By.id("login-form")).isEmpty());
            assertThat(coordinator.driver().findElement(By.cssSelector("#login-form .error")).getText())
                    .isEqualTo("You were logged off after a period of inactivity.");
        }
    }
}
