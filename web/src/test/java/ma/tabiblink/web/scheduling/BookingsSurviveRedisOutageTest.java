package ma.tabiblink.web.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

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
import ma.tabiblink.web.support.BookingLoad;
import redis.embedded.RedisServer;

/**
 * The whole application against a Redis server it reaches through {@code REDIS_URL}, with AOF persistence, which is
 * stopped for 20 seconds while coordinators keep booking and then started again on the same port and files. The
 * application is never restarted.
 */
@ExtendWith(BookingsSurviveRedisOutageTest.StopRedisAfterTheApplication.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@Timeout(180)
class BookingsSurviveRedisOutageTest {

    private static final Duration OUTAGE = Duration.ofSeconds(20);
    /** Far above the Redis client's 2 s timeouts: an answer slower than this means a request hung. */
    private static final Duration FAIL_FAST_BOUND = Duration.ofSeconds(10);
    private static final Duration RECOVERY = Duration.ofSeconds(30);
    private static final int BOOKED_BEFORE = 5;
    private static final int LOADERS = 2;
    private static final int MAX_ATTEMPTS_PER_LOADER = 2_000;
    /** Registered patients the bookings are for (a booking needs a real patient of its dispensary). */
    private static final int PATIENTS = 48;
    private static final Duration LOADER_PAUSE = Duration.ofMillis(100);
    private static final ZoneId CASABLANCA = ZoneId.of("Africa/Casablanca");
    private static final Set<Integer> ALLOWED_STATUSES = Set.of(201, 409, 503);

    private static final Path DATA_DIR = tempDir("tabib-outage-data");
    private static final Path AOF_DIR = tempDir("tabib-outage-redis");
    private static final int REDIS_PORT = freePort();
    private static final RedisServer REDIS = startRedis();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void applicationProperties(DynamicPropertyRegistry registry) {
        registry.add("tabib.demo", () -> "true");
        registry.add("tabib.data-dir", DATA_DIR::toString);
        registry.add("tabib.signaling.port", () -> "0");
        registry.add("tabib.redis.url", () -> "redis://127.0.0.1:" + REDIS_PORT);
    }

    /** Declared before the Spring extension, so it runs after the application has been closed. */
    static final class StopRedisAfterTheApplication implements AfterAllCallback {
        @Override
        public void afterAll(ExtensionContext context) throws IOException {
            REDIS.stop();
        }
    }

    /** One booking attempt of a loader: the slot, and the key it keeps across retries. */
    @Test
    void bookingsFailFastWithACodeWhileRedisIsDownRecoverByThemselvesAndNoConfirmedBookingIsLostOrDoubled()
            throws Exception {
        ApiClient coordinator = new ApiClient("http://127.0.0.1:" + port).login("coord1", "demo1234");
        LocalDate from = LocalDate.now(CASABLANCA).with(TemporalAdjusters.next(DayOfWeek.MONDAY)).plusWeeks(1);
        LocalDate to = from.plusDays(11);
        Queue<JsonNode> free = new ConcurrentLinkedQueue<>();
        for (String specialty : List.of("cardiology", "paediatrics", "dermatology")) {
            ApiClient.Response slots = coordinator.get("/api/v1/slots?specialty=" + specialty + "&from=" + from
                    + "&to=" + to);
            assertThat(slots.status()).as(slots.body()).isEqualTo(200);
            slots.json().forEach(free::add);
        }
        assertThat(free).hasSizeGreaterThan(100);
        ApiClient nurse = new ApiClient("http://127.0.0.1:" + port).login("nurse1", "demo1234");
        List<String> patients = new ArrayList<>();
        for (int i = 0; i < PATIENTS; i++) {
            ApiClient.Response registered = nurse.post("/api/v1/patients", Map.of("fullName", "Outage patient " + i,
                    "birthYear", 1970 + i, "sex", "MALE", "teleconsultationConsent", true));
            assertThat(registered.status()).as(registered.body()).isEqualTo(201);
            patients.add(registered.json().path("id").asText());
        }

        List<String> confirmed = new CopyOnWriteArrayList<>();
        List<JsonNode> bookedBefore = new ArrayList<>();
        for (int i = 0; i < BOOKED_BEFORE; i++) {
            JsonNode slot = free.poll();
            ApiClient.Response booked = BookingLoad.book(coordinator, new BookingLoad.Attempt(slot, UUID.randomUUID().toString(), patients.get(i)));
            assertThat(booked.status()).as(booked.body()).isEqualTo(201);
            confirmed.add(booked.json().path("id").asText());
            bookedBefore.add(slot);
        }

        List<String> unexpected = new CopyOnWriteArrayList<>();
        AtomicBoolean loading = new AtomicBoolean(true);
        ExecutorService loaders = Executors.newFixedThreadPool(LOADERS);
        List<Future<?>> running = new ArrayList<>();
        for (int n = 0; n < LOADERS; n++) {
            int loader = n;
            running.add(loaders.submit(() -> load(coordinator, free, loading, confirmed, unexpected, loader,
                    patients.subList(BOOKED_BEFORE + 3, PATIENTS))));
        }
        try {
            Thread.sleep(1_000);
            REDIS.stop();
            Instant back = Instant.now().plus(OUTAGE);

            JsonNode slot = free.poll();
            long started = System.nanoTime();
            ApiClient.Response refused = BookingLoad.book(coordinator, new BookingLoad.Attempt(slot, UUID.randomUUID().toString(), patients.get(BOOKED_BEFORE)));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(refused.status()).as(refused.body()).isEqualTo(503);
            assertThat(refused.code()).isEqualTo("TEMPORARILY_UNAVAILABLE");
            assertThat(refused.json().path("message").asText()).isNotBlank();
            assertThat(refused.body()).doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(took).as("a booking during the outage answers instead of hanging").isLessThan(FAIL_FAST_BOUND);
            ApiClient.Response health = coordinator.get("/actuator/health");
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.json().path("status").asText()).isEqualTo("DOWN");

            Thread.sleep(Math.max(0, Duration.between(Instant.now(), back).toMillis()));
            REDIS.start();

            ApiClient.Response rebooked = null;
            BookingLoad.Attempt retry = new BookingLoad.Attempt(slot, UUID.randomUUID().toString(), patients.get(BOOKED_BEFORE + 1));
            Instant deadline = Instant.now().plus(RECOVERY);
            while (rebooked == null || rebooked.status() == 503) {
                assertThat(Instant.now()).as("bookings work again within " + RECOVERY).isBefore(deadline);
                rebooked = BookingLoad.book(coordinator, retry);
                assertThat(rebooked.status()).as(rebooked.body()).isIn(201, 503);
                Thread.sleep(LOADER_PAUSE.toMillis());
            }
            confirmed.add(rebooked.json().path("id").asText());
            assertThat(coordinator.get("/actuator/health").json().path("status").asText()).isEqualTo("UP");
            Thread.sleep(2_000);
        } finally {
            loading.set(false);
            loaders.shutdown();
            assertThat(loaders.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
        for (Future<?> loader : running) {
            loader.get();
        }
        assertThat(unexpected).as("every answer was 201, 409 or a coded 503, each within the bound").isEmpty();

        for (String id : confirmed) {
            ApiClient.Response kept = coordinator.get("/api/v1/appointments/" + id);
            assertThat(kept.status()).as(kept.body()).isEqualTo(200);
            assertThat(kept.json().path("status").asText()).as(id).isEqualTo("booked");
        }
        for (JsonNode taken : bookedBefore) {
            ApiClient.Response again = BookingLoad.book(coordinator, new BookingLoad.Attempt(taken, UUID.randomUUID().toString(), patients.get(BOOKED_BEFORE + 2)));
            assertThat(again.code()).isEqualTo("SLOT_TAKEN");
        }
        Map<String, Integer> perSlot = new HashMap<>();
        for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
            for (JsonNode a : coordinator.get("/api/v1/appointments?date=" + day).json()) {
                if ("booked".equals(a.path("status").asText())) {
                    perSlot.merge(a.path("specialistId").asText() + " " + a.path("start").asText(), 1, Integer::sum);
                }
            }
        }
        assertThat(perSlot.values().stream().mapToInt(Integer::intValue).sum())
                .isGreaterThanOrEqualTo(confirmed.size());
        assertThat(perSlot.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                .collect(Collectors.toList())).as("slots booked twice").isEmpty();
    }

    /**
     * Books free slots one after another until told to stop, retrying a refused attempt with the same idempotency
     * key as a coordinator's page would; records confirmed bookings and any answer outside the contract.
     */
    private static void load(ApiClient coordinator, Queue<JsonNode> free, AtomicBoolean loading, List<String> confirmed,
                             List<String> unexpected, int loader, List<String> patients) {
        BookingLoad.Attempt attempt = null;
        for (int i = 0; i < MAX_ATTEMPTS_PER_LOADER && loading.get(); i++) {
            if (attempt == null) {
                JsonNode slot = free.poll();
                if (slot == null) {
                    return;
                }
                attempt = new BookingLoad.Attempt(slot, UUID.randomUUID().toString(),
                        patients.get((loader + i * LOADERS) % patients.size()));
            }
            long started = System.nanoTime();
            ApiClient.Response r;
            try {
                r = BookingLoad.book(coordinator, attempt);
            } catch (RuntimeException e) {
                unexpected.add("no answer: " + e);
                return;
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            if (!ALLOWED_STATUSES.contains(r.status()) || took.compareTo(FAIL_FAST_BOUND) > 0
                    || (r.status() == 503 && !"TEMPORARILY_UNAVAILABLE".equals(r.code()))) {
                unexpected.add(r.status() + " after " + took + ": " + r.body());
            }
            if (r.status() == 201) {
                confirmed.add(r.json().path("id").asText());
            }
            if (r.status() != 503) {
                attempt = null;
            }
            try {
                Thread.sleep(LOADER_PAUSE.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }


    private static RedisServer startRedis() {
        try {
            RedisServer server = RedisServer.newRedisServer().port(REDIS_PORT).bind("127.0.0.1")
                    .setting("save \"\"")
                    .setting("appendonly yes")
                    .setting("appendfsync always")
                    .setting("dir " + AOF_DIR)
                    .onShutdownForceStop(true)
                    .build();
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
