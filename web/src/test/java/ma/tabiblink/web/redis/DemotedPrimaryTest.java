package ma.tabiblink.web.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import ma.tabiblink.web.support.ApiClient;
import redis.clients.jedis.Jedis;
import ma.tabiblink.ops.sentinel.RedisProcess;

/**
 * The application reaching Redis by {@code REDIS_URL} at a server that stops being the primary under it (the other
 * server is promoted and ours becomes its replica, as Sentinel does to a primary that comes back): writes are refused
 * with {@code READONLY}, which must reach the client as a coded, retryable 503, and the retry works once the server is
 * a primary again.
 */
@ExtendWith(DemotedPrimaryTest.StopRedisAfterTheApplication.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@Timeout(180)
class DemotedPrimaryTest {

    private static final ZoneId CASABLANCA = ZoneId.of("Africa/Casablanca");
    private static final Duration SETTLE = Duration.ofSeconds(20);
    private static final Path DATA_DIR = tempDir();
    private static final RedisProcess APPLICATION_REDIS = startIfInstalled("app");
    private static final RedisProcess OTHER_REDIS = startIfInstalled("other");

    @LocalServerPort
    int port;

    @BeforeAll
    static void needsRedisServer() {
        Assumptions.assumeTrue(APPLICATION_REDIS != null,
                "redis-server not installed (ops/scripts/install-test-deps.sh installs it)");
    }

    @DynamicPropertySource
    static void applicationProperties(DynamicPropertyRegistry registry) {
        registry.add("tabib.demo", () -> "true");
        registry.add("tabib.data-dir", DATA_DIR::toString);
        registry.add("tabib.signaling.port", () -> "0");
        registry.add("tabib.redis.url", () -> "redis://127.0.0.1:" + APPLICATION_REDIS.port());
    }

    /** Declared before the Spring extension, so it runs after the application has been closed. */
    static final class StopRedisAfterTheApplication implements AfterAllCallback {
        @Override
        public void afterAll(ExtensionContext context) {
            for (RedisProcess redis : new RedisProcess[] {APPLICATION_REDIS, OTHER_REDIS}) {
                if (redis != null) {
                    redis.kill();
                }
            }
        }
    }

    @Test
    void aBookingReachingADemotedPrimaryAnswersARetryableCoded503AndTheRetrySucceedsOnceItIsPrimaryAgain() {
        ApiClient coordinator = new ApiClient("http://127.0.0.1:" + port).login("coord1", "demo1234");
        ApiClient nurse = new ApiClient("http://127.0.0.1:" + port).login("nurse1", "demo1234");
        ApiClient.Response registered = nurse.post("/api/v1/patients", Map.of("fullName", "Demoted primary patient",
                "birthYear", 1981, "sex", "FEMALE", "teleconsultationConsent", true));
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        String patient = registered.json().path("id").asText();
        LocalDate monday = LocalDate.now(CASABLANCA).with(TemporalAdjusters.next(DayOfWeek.MONDAY)).plusWeeks(1);
        ApiClient.Response slots = coordinator.get("/api/v1/slots?specialty=cardiology&from=" + monday
                + "&to=" + monday.plusDays(4));
        assertThat(slots.status()).as(slots.body()).isEqualTo(200);
        JsonNode slot = slots.json().get(0);

        demoteTheApplicationsRedis();

        String idempotencyKey = UUID.randomUUID().toString();
        ApiClient.Response refused = book(coordinator, slot, patient, idempotencyKey);
        assertThat(refused.status()).as(refused.body()).isEqualTo(503);
        assertThat(refused.code()).isEqualTo("TEMPORARILY_UNAVAILABLE");
        assertThat(refused.json().path("message").asText()).isNotBlank();
        assertThat(refused.body()).doesNotContain("READONLY").doesNotContain("Exception");
        assertThat(coordinator.get("/api/v1/slots?specialty=cardiology&from=" + monday + "&to=" + monday).status())
                .as("reads are still served by the replica").isEqualTo(200);

        try (Jedis redis = new Jedis(APPLICATION_REDIS.address())) {
            redis.replicaofNoOne();
        }
        ApiClient.Response retried = book(coordinator, slot, patient, idempotencyKey);
        assertThat(retried.status()).as(retried.body()).isEqualTo(201);
        assertThat(book(coordinator, slot, patient, idempotencyKey).json().path("id").asText())
                .as("the same key returns the same booking").isEqualTo(retried.json().path("id").asText());
    }

    /** The other server takes a copy of the data and is promoted; the application's server becomes its replica. */
    private static void demoteTheApplicationsRedis() {
        try (Jedis ours = new Jedis(APPLICATION_REDIS.address()); Jedis other = new Jedis(OTHER_REDIS.address())) {
            other.replicaof("127.0.0.1", APPLICATION_REDIS.port());
            awaitInSync(other);
            other.replicaofNoOne();
            ours.replicaof("127.0.0.1", OTHER_REDIS.port());
            awaitInSync(ours);
        }
    }

    private static void awaitInSync(Jedis replica) {
        Instant deadline = Instant.now().plus(SETTLE);
        while (!replica.info("replication").contains("master_link_status:up")) {
            assertThat(Instant.now()).as("replication is established within " + SETTLE).isBefore(deadline);
            RedisProcess.pause(Duration.ofMillis(100));
        }
    }

    private static ApiClient.Response book(ApiClient coordinator, JsonNode slot, String patient, String idempotencyKey) {
        return coordinator.post("/api/v1/appointments", Map.of(
                "specialistId", slot.path("specialistId").asText(),
                "specialty", slot.path("specialty").asText(),
                "start", slot.path("start").asText(),
                "patientRef", patient,
                "dispensaryId", "disp-tinghir"), Map.of("Idempotency-Key", idempotencyKey));
    }

    private static RedisProcess startIfInstalled(String name) {
        if (RedisProcess.installed("redis-server").isEmpty()) {
            return null;
        }
        RedisProcess redis = RedisProcess.prepare("redis-server", DATA_DIR.resolve("redis-" + name));
        redis.start(List.of("appendonly yes", "save \"\"", "repl-diskless-sync yes", "repl-diskless-sync-delay 0"));
        return redis;
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("tabib-demoted-primary");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
