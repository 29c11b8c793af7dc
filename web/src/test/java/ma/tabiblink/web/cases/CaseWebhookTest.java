package ma.tabiblink.web.cases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import ma.tabiblink.scheduler.reminder.WebhookReminderChannel;
import ma.tabiblink.web.support.ApiClient;

/**
 * With reminders going to the operator's webhook (an SMS gateway), a specialist's question and answer on a
 * tele-expertise case are posted there too, signed like reminders, with routing facts only.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
@Timeout(120)
class CaseWebhookTest {

    private static final String SECRET = "case-webhook-secret-of-32-bytes!";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<Map<String, String>> RECEIVED = new CopyOnWriteArrayList<>();
    private static HttpServer gateway;

    @LocalServerPort
    private int port;

    @DynamicPropertySource
    static void webhook(DynamicPropertyRegistry registry) throws IOException {
        gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        gateway.createContext("/hook", exchange -> {
            RECEIVED.add(Map.of("event", exchange.getRequestHeaders().getFirst(WebhookReminderChannel.EVENT_HEADER),
                    "timestamp", exchange.getRequestHeaders().getFirst(WebhookReminderChannel.TIMESTAMP_HEADER),
                    "signature", exchange.getRequestHeaders().getFirst(WebhookReminderChannel.SIGNATURE_HEADER),
                    "body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        gateway.start();
        registry.add("tabib.demo", () -> "true");
        registry.add("tabib.signaling.port", () -> "0");
        String dataDir = Files.createTempDirectory("tabib-case-webhook-test").toString();
        registry.add("tabib.data-dir", () -> dataDir);
        registry.add("tabib.scheduling.reminder-channel", () -> "webhook");
        registry.add("tabib.scheduling.webhook-url", () -> "http://127.0.0.1:" + gateway.getAddress().getPort() + "/hook");
        registry.add("tabib.scheduling.webhook-secret", () -> SECRET);
    }

    @AfterAll
    static void stopGateway() {
        gateway.stop(0);
    }

    @Test
    void theSpecialistsQuestionAndAnswerArePostedSignedWithoutTheCasesContent() throws Exception {
        String base = "http://127.0.0.1:" + port;
        ApiClient nurse = new ApiClient(base).login("nurse1", "demo1234");
        ApiClient cardio = new ApiClient(base).login("dr.cardio", "demo1234");
        String patient = nurse.post("/api/v1/patients", Map.of("fullName", "Aicha Webhook", "birthYear", 1969,
                "sex", "FEMALE", "teleconsultationConsent", true)).json().path("id").asText();
        String id = nurse.post("/api/v1/cases", Map.of("patientId", patient, "specialty", "cardiology", "question",
                "Palpitations nocturnes", "urgency", "PRIORITY"), Map.of("Idempotency-Key", "hook-1"))
                .json().at("/summary/id").asText();
        nurse.post("/api/v1/cases/" + id + "/submit", null);
        cardio.post("/api/v1/cases/" + id + "/claim", null);
        assertThat(cardio.post("/api/v1/cases/" + id + "/information-requests", Map.of("text", "Depuis quand ?"))
                .status()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(20)).until(() -> RECEIVED.stream()
                .anyMatch(r -> r.get("body").contains("INFO_REQUESTED")));
        Map<String, String> post = RECEIVED.stream().filter(r -> r.get("body").contains("INFO_REQUESTED"))
                .findFirst().orElseThrow();
        assertThat(post.get("event")).isEqualTo("case.update");
        assertThat(post.get("signature")).isEqualTo("v1=" + WebhookReminderChannel.sign(
                SECRET.getBytes(StandardCharsets.UTF_8), post.get("timestamp") + "." + post.get("body")));
        JsonNode body = JSON.readTree(post.get("body"));
        assertThat(body.path("caseId").asText()).isEqualTo(id);
        assertThat(body.path("nurseId").asText()).isEqualTo("nurse1");
        assertThat(body.path("dispensaryId").asText()).isEqualTo("disp-tinghir");
        assertThat(post.get("body")).doesNotContain("Palpitations").doesNotContain("Depuis quand").doesNotContain("Aicha");
    }
}
