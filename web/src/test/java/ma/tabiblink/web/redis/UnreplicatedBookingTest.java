package ma.tabiblink.web.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import ma.tabiblink.web.support.ApiClient;
import redis.clients.jedis.Jedis;

/**
 * The application asking for one replica's acknowledgement ({@code tabib.redis.min-replicas-acked=1}) on a real
 * primary whose only replica is killed: a booking is never answered as a success the replica does not hold. It answers
 * 503 {@code NOT_REPLICATED}, a retry with the same Idempotency-Key too while the replica is away, and once it is back
 * the retry returns the one booking made by the first attempt.
 */
@ExtendWith(PrimaryWithReplica.StopAfterTheApplication.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@Timeout(180)
class UnreplicatedBookingTest {

    private static final ZoneId CASABLANCA = ZoneId.of("Africa/Casablanca");
    /** Retries with the same key once the replica is back, each waiting up to the 300 ms acknowledgement timeout. */
    private static final int RETRIES_ONCE_BACK = 10;
    private static final PrimaryWithReplica REDIS = PrimaryWithReplica.startIfInstalled("tabib-unreplicated");

    @LocalServerPort
    int port;

    @BeforeAll
    static void needsRedisServer() {
        Assumptions.assumeTrue(REDIS != null, "redis-server not installed (ops/scripts/install-test-deps.sh installs it)");
    }

    @DynamicPropertySource
    static void applicationProperties(DynamicPropertyRegistry registry) {
        if (REDIS != null) {
            REDIS.applicationProperties(registry);
        }
    }

    @Test
    void aBookingNoReplicaHoldsIsRefusedAsNotReplicatedUntilTheReplicaIsBackAndThenTheRetryReturnsTheOneBooking() {
        ApiClient coordinator = new ApiClient("http://127.0.0.1:" + port).login("coord1", "demo1234");
        ApiClient nurse = new ApiClient("http://127.0.0.1:" + port).login("nurse1", "demo1234");
        ApiClient.Response registered = nurse.post("/api/v1/patients", Map.of("fullName", "Unreplicated patient",
                "birthYear", 1975, "sex", "MALE", "teleconsultationConsent", true));
        assertThat(registered.status()).as(registered.body()).isEqualTo(201);
        String patient = registered.json().path("id").asText();
        LocalDate monday = LocalDate.now(CASABLANCA).with(TemporalAdjusters.next(DayOfWeek.MONDAY)).plusWeeks(1);
        ApiClient.Response slots = coordinator.get("/api/v1/slots?specialty=dermatology&from=" + monday
                + "&to=" + monday.plusDays(4));
        assertThat(slots.status()).as(slots.body()).isEqualTo(200);
        JsonNode replicated = slots.json().get(0);
        JsonNode unreplicated = slots.json().get(1);

        ApiClient.Response booked = book(coordinator, replicated, patient, UUID.randomUUID().toString());
        assertThat(booked.status()).as("with the replica in sync: " + booked.body()).isEqualTo(201);

        REDIS.killReplica();
        String idempotencyKey = UUID.randomUUID().toString();
        ApiClient.Response refused = book(coordinator, unreplicated, patient, idempotencyKey);
        assertThat(refused.status()).as(refused.body()).isEqualTo(503);
        assertThat(refused.code()).isEqualTo("NOT_REPLICATED");
        assertThat(refused.json().path("message").asText()).isNotBlank();
        ApiClient.Response retriedTooSoon = book(coordinator, unreplicated, patient, idempotencyKey);
        assertThat(retriedTooSoon.code()).as("a retry answered from the idempotency key waits for a replica too")
                .isEqualTo("NOT_REPLICATED");

        REDIS.bringBackReplica();
        // The replica's first acknowledgements after a full resynchronisation may miss the 300 ms wait on a busy
        // machine: the retry is then refused the same way, and a later one is confirmed, with the same booking.
        ApiClient.Response retried = book(coordinator, unreplicated, patient, idempotencyKey);
        for (int attempt = 1; attempt < RETRIES_ONCE_BACK && retried.status() == 503; attempt++) {
            assertThat(retried.code()).as(retried.body()).isEqualTo("NOT_REPLICATED");
            retried = book(coordinator, unreplicated, patient, idempotencyKey);
        }
        assertThat(retried.status()).as(retried.body()).isEqualTo(201);
        try (Jedis replica = REDIS.replica()) {
            assertThat(replica.exists("tl:sch:appt:" + retried.json().path("id").asText())).isTrue();
        }
        List<JsonNode> sameSlot = new ArrayList<>();
        LocalDate day = OffsetDateTime.parse(unreplicated.path("start").asText()).atZoneSameInstant(CASABLANCA)
                .toLocalDate();
        coordinator.get("/api/v1/appointments?date=" + day).json().forEach(a -> {
                    if (a.path("start").asText().equals(unreplicated.path("start").asText())
                            && a.path("specialistId").asText().equals(unreplicated.path("specialistId").asText())) {
                        sameSlot.add(a);
                    }
                });
        assertThat(sameSlot).as("the first attempt's booking, returned by the retry, and no other")
                .extracting(a -> a.path("id").asText()).containsExactly(retried.json().path("id").asText());
    }

    private static ApiClient.Response book(ApiClient coordinator, JsonNode slot, String patient, String idempotencyKey) {
        return coordinator.post("/api/v1/appointments", Map.of(
                "specialistId", slot.path("specialistId").asText(),
                "specialty", slot.path("specialty").asText(),
                "start", slot.path("start").asText(),
                "patientRef", patient,
                "dispensaryId", "disp-tinghir"), Map.of("Idempotency-Key", idempotencyKey));
    }
}
