package ma.tabiblink.web.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;

import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the tests that run the whole application: demo mode with its real embedded Redis in a temporary data
 * folder, HTTP and signalling on free ports. Every subclass shares one running application.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
public abstract class WebTestSupport {

    protected static final Path DATA_DIR = tempDir();

    @LocalServerPort
    protected int port;

    @DynamicPropertySource
    static void applicationProperties(DynamicPropertyRegistry registry) {
        registry.add("tabib.demo", () -> "true");
        registry.add("tabib.data-dir", DATA_DIR::toString);
        registry.add("tabib.signaling.port", () -> "0");
    }

    protected ApiClient api() {
        return new ApiClient("http://127.0.0.1:" + port);
    }

    /** Signs in a demo account and returns a client that sends its access token. */
    protected ApiClient as(String username) {
        return api().login(username, "demo1234");
    }

    /**
     * Opens the signalling socket as the user's browser page would (URL from {@code /api/v1/config}, the page's
     * Origin, a single-use ticket asked for with the access token) and waits for the welcome.
     */
    protected JsonWebSocket signaling(ApiClient user) {
        JsonWebSocket socket = JsonWebSocket.connect(signalingUrl(user) + "?ticket=" + user.ticket("signal"),
                "http://127.0.0.1:" + port);
        JsonNode welcome = socket.next(Duration.ofSeconds(10));
        if (!"welcome".equals(welcome.path("type").asText())) {
            socket.close();
            throw new AssertionError("expected a welcome, got " + welcome);
        }
        return socket;
    }

    protected String signalingUrl(ApiClient user) {
        return user.get("/api/v1/config").json().path("signalingUrl").asText();
    }

    /** Registers a patient of the nurse's dispensary who consented to teleconsultation; returns the patient's id. */
    protected static String registerConsentingPatient(ApiClient nurse, String fullName) {
        ApiClient.Response registered = nurse.post("/api/v1/patients", java.util.Map.of("fullName", fullName,
                "birthYear", 1979, "sex", "FEMALE", "preferredLanguage", "ar", "teleconsultationConsent", true));
        if (registered.status() != 201) {
            throw new AssertionError("registering " + fullName + ": " + registered.status() + " " + registered.body());
        }
        return registered.json().path("id").asText();
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("tabib-test-data");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
