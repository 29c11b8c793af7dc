package ma.tabiblink.web.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.JsonNode;

import ma.tabiblink.web.support.ApiClient;
import ma.tabiblink.web.signaling.EmbeddedSignaling;
import ma.tabiblink.web.signaling.StandaloneSignalingNode;
import ma.tabiblink.web.support.BookingLoad;
import ma.tabiblink.web.support.CallsUnderFault;
import ma.tabiblink.web.support.ConsultationNotes;
import ma.tabiblink.web.support.NoteVersionWriter;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import ma.tabiblink.ops.sentinel.RedisProcess;
import ma.tabiblink.ops.sentinel.SentinelTopology;

/**
 * The whole application on a Redis primary with two replicas under three sentinels, reached through
 * {@code REDIS_SENTINELS}. While coordinators book through the REST API from several threads, the primary is killed
 * with SIGKILL, {@value #DEFAULT_FAILOVERS} times in a row (the old primary rejoining as a replica in between; the system property
 * {@code tabib.failovers} asks for more, as {@code ops/scripts/fault-redis-failover.sh} does). The application, never restarted, must follow the promoted replica by itself: during the failover it
 * answers coded 503s (never a 500), then bookings (Lua scripts, reloaded on the new primary) work again. The
 * application waits for one replica before acknowledging a booking ({@code tabib.redis.min-replicas-acked=1}), so
 * the client's log of acknowledged bookings, checked against the final state, must have none missing, and no slot may
 * end up booked twice. Each failover prints one {@code failover-result} line (recovery times, bookings acknowledged,
 * missing and booked twice so far), and the run one {@code failover-summary} line, for the script to collect.
 * Meanwhile a specialist saves and signs version after version of a consultation note ({@link NoteVersionWriter}),
 * records writes waiting for a replica as bookings do: every version answered 201 must read back, with its text,
 * after each failover and at the end ({@code notes_acknowledged}, {@code notes_missing} on the same lines).
 * Under the same kills, {@value #CALLS} established calls relay numbered ICE candidates over real WebSockets, spread
 * over the application's signalling server and a standalone signalling node on the same Sentinels, while two
 * specialists switch between available and away ({@link CallsUnderFault}): after each failover every call relays
 * again and every presence change is answered again (printed on the {@code failover-result} line); at the end no call
 * ended and no socket closed, no relayed message is lost outside a failover, none duplicated or out of order
 * ({@code failover-calls} line).
 */
@ExtendWith(SentinelFailoverTest.StopTopologyAfterTheApplication.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@Timeout(900)
class SentinelFailoverTest {

    /** A hang guard, not a speed requirement: the measured recovery time is printed. */
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(30);
    /** Far above the Redis client's 2 s timeouts: an answer slower than this means a request hung. */
    private static final Duration ANSWER_BOUND = Duration.ofSeconds(10);
    /** Failovers in a row: each kills the primary promoted by the one before. Kept short for CI. */
    private static final int DEFAULT_FAILOVERS = 3;
    private static final int FAILOVERS = Integer.getInteger("tabib.failovers", DEFAULT_FAILOVERS);
    private static final int LOADERS = 3;
    private static final int PATIENTS = 60;
    private static final Duration LOADER_PAUSE = Duration.ofMillis(100);
    /** Days of slots per query (the API answers at most 62) and per failover pair: the load books ~200 per failover. */
    private static final int WINDOW_DAYS = 28;
    /** Days of slots the loaders book from, enough for the whole run. */
    private static final int DAYS = WINDOW_DAYS * ((FAILOVERS + 2) / 2);
    private static final Duration LOAD_BEFORE_THE_KILL = Duration.ofSeconds(2);
    private static final Duration LOAD_AFTER_RECOVERY = Duration.ofSeconds(2);
    /** Established calls relaying through the failovers, spread over the application and a standalone signalling node. */
    private static final int CALLS = 20;
    /** Before a kill and after the recovery, relayed messages may still be in a failover's hands. */
    private static final Duration IN_FLIGHT = Duration.ofSeconds(1);
    private static final String CALL_PASSWORD = "failover-calls-2026";
    private static final Set<Integer> ALLOWED_STATUSES = Set.of(201, 409, 503);
    /** Redis unreachable or refusing during the failover, or a booking no replica confirmed in time. */
    private static final Set<String> RETRYABLE_CODES = Set.of("TEMPORARILY_UNAVAILABLE", "NOT_REPLICATED");

    private static final Path DATA_DIR = tempDir();
    private static final SentinelTopology TOPOLOGY = SentinelTopology.unavailableReason().isEmpty()
            ? SentinelTopology.start(1) : null;

    @LocalServerPort
    int port;

    /** Closed after the test, before the application and the topology: call sockets, then the standalone node. */
    private final Deque<AutoCloseable> closeAfterTheTest = new ArrayDeque<>();

    @BeforeAll
    static void needsRedisAndSentinel() {
        Assumptions.assumeTrue(TOPOLOGY != null, () -> SentinelTopology.unavailableReason().orElse(""));
        assertThat(FAILOVERS).as("tabib.failovers").isBetween(1, 10);
    }

    @DynamicPropertySource
    static void applicationProperties(DynamicPropertyRegistry registry) {
        registry.add("tabib.demo", () -> "true");
        registry.add("tabib.data-dir", DATA_DIR::toString);
        registry.add("tabib.signaling.port", () -> "0");
        registry.add("tabib.redis.sentinels", () -> TOPOLOGY.sentinelsProperty());
        registry.add("tabib.redis.sentinel-master", () -> SentinelTopology.MASTER_NAME);
        registry.add("tabib.redis.min-replicas-acked", () -> "1");
    }

    /** Declared before the Spring extension, so it runs after the application has been closed. */
    static final class StopTopologyAfterTheApplication implements AfterAllCallback {
        @Override
        public void afterAll(ExtensionContext context) {
            if (TOPOLOGY != null) {
                TOPOLOGY.close();
            }
        }
    }

    @Test
    void killingThePrimaryUnderLoadLosesNoAcknowledgedBookingBooksNoSlotTwiceAndTheApplicationFollowsByItself()
            throws Exception {
        ApiClient coordinator = new ApiClient("http://127.0.0.1:" + port).login("coord1", "demo1234");
        Queue<JsonNode> free = BookingLoad.freeSlots(coordinator, BookingLoad.firstDay(), DAYS, WINDOW_DAYS);
        assertThat(free).hasSizeGreaterThan(200 * (FAILOVERS + 1));
        // set aside before the loaders start, so that a long run cannot leave a recovery probe without a slot
        Queue<JsonNode> probeSlots = new ArrayDeque<>();
        for (int i = 0; i < FAILOVERS; i++) {
            probeSlots.add(free.remove());
        }
        // one more patient per failover, kept for its recovery probe
        List<String> patients = BookingLoad.registerPatients(
                new ApiClient("http://127.0.0.1:" + port).login("nurse1", "demo1234"), "Failover patient", PATIENTS + FAILOVERS);
        ApiClient nurse = new ApiClient("http://127.0.0.1:" + port).login("nurse1", "demo1234");
        ApiClient cardio = new ApiClient("http://127.0.0.1:" + port).login("dr.cardio", "demo1234");
        String consultation = ConsultationNotes.openConsultation(nurse, "Failover note patient", "call-failover-note");

        CallsUnderFault calls = startCalls(patients.subList(0, CALLS));

        AtomicBoolean loading = new AtomicBoolean(true);
        BookingLoad bookings = new BookingLoad(coordinator, free, loading, ALLOWED_STATUSES, RETRYABLE_CODES,
                LOADER_PAUSE, ANSWER_BOUND);
        ExecutorService loaders = Executors.newFixedThreadPool(LOADERS + 1);
        List<Future<?>> running = new ArrayList<>();
        for (int n = 0; n < LOADERS; n++) {
            List<String> own = patients.subList(n * PATIENTS / LOADERS, (n + 1) * PATIENTS / LOADERS);
            running.add(loaders.submit(bookings.loader(own)));
        }
        NoteVersionWriter notes = new NoteVersionWriter(cardio, consultation, loading, LOADER_PAUSE, ANSWER_BOUND);
        running.add(loaders.submit(notes));
        List<long[]> failoverWindows = new ArrayList<>();
        try {
            Thread.sleep(LOAD_BEFORE_THE_KILL.toMillis());
            int acknowledgedBeforeTheKill = bookings.acknowledged().size();
            assertThat(acknowledgedBeforeTheKill).as("bookings went through before the failover").isPositive();
            assertThat(notes.acknowledged()).as("note versions saved before the failover").isNotEmpty();

            int acknowledgedBefore = 0;
            int refusedBefore = 0;
            for (int failover = 1; failover <= FAILOVERS; failover++) {
                assertThat(free).as("slots left to keep the load going through failover " + failover).isNotEmpty();
                long killedAt = System.nanoTime();
                RedisProcess killed = TOPOLOGY.killPrimary();
                HostAndPort promoted = TOPOLOGY.awaitPromotion(killed.address(), RECOVERY_BOUND);
                Duration promotion = Duration.ofNanos(System.nanoTime() - killedAt);
                try (Jedis newPrimary = new Jedis(promoted)) {
                    // whatever the new primary's script cache holds, the application must reload its scripts
                    newPrimary.scriptFlush();
                }

                String probePatient = patients.get(PATIENTS + failover - 1);
                Duration recovery = awaitABookingSucceeds(coordinator, probeSlots.remove(), probePatient, killedAt);
                assertThat(coordinator.get("/actuator/health").json().path("status").asText()).isEqualTo("UP");
                long callsBack = calls.awaitEveryCallRelayingSince(killedAt, RECOVERY_BOUND);
                long presenceBack = calls.awaitPresenceAnsweredSince(killedAt, RECOVERY_BOUND);
                failoverWindows.add(new long[] {killedAt - IN_FLIGHT.toNanos(), callsBack + IN_FLIGHT.toNanos()});
                List<BookingLoad.Acknowledged> soFar = bookings.acknowledged();
                long missing = soFar.stream().filter(a -> !BookingLoad.isBooked(coordinator, a)).count();
                int bookedTwice = BookingLoad.slotsBookedTwice(coordinator, BookingLoad.firstDay(), DAYS).size();
                List<NoteVersionWriter.Acknowledged> notesSoFar = notes.acknowledged();
                int notesMissing = NoteVersionWriter.missing(notesSoFar, cardio, RECOVERY_BOUND).size();
                System.out.printf("failover-result failover=%d killed=%s promoted=%s promotion_ms=%d recovery_ms=%d "
                                + "acknowledged=%d acknowledged_since_previous=%d refused_503=%d missing=%d "
                                + "booked_twice=%d notes_acknowledged=%d notes_missing=%d calls_relaying_ms=%d "
                                + "calls_kept=%d presence_answered_ms=%d%n", failover,
                        killed.address(), promoted, promotion.toMillis(), recovery.toMillis(), soFar.size(),
                        soFar.size() - acknowledgedBefore, bookings.refused() - refusedBefore, missing, bookedTwice,
                        notesSoFar.size(), notesMissing, (callsBack - killedAt) / 1_000_000, calls.callsKept(),
                        (presenceBack - killedAt) / 1_000_000);
                acknowledgedBefore = soFar.size();
                refusedBefore = bookings.refused();
                Thread.sleep(LOAD_AFTER_RECOVERY.toMillis());
                // the next failover kills the new primary, with the old one back as its replica
                TOPOLOGY.restart(killed);
            }
        } finally {
            loading.set(false);
            loaders.shutdown();
            assertThat(loaders.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
        for (Future<?> loader : running) {
            loader.get();
        }
        assertThat(bookings.unexpected()).as("every answer was 201, 409 or a coded 503, each within " + ANSWER_BOUND).isEmpty();
        assertThat(notes.unexpected()).as("every note answer a success, a coded 503 or a signature's 409, each within "
                + ANSWER_BOUND).isEmpty();

        List<BookingLoad.Acknowledged> missing = bookings.acknowledged().stream()
                .filter(a -> !BookingLoad.isBooked(coordinator, a)).toList();
        List<String> bookedTwice = BookingLoad.slotsBookedTwice(coordinator, BookingLoad.firstDay(), DAYS);
        List<NoteVersionWriter.Acknowledged> notesMissing =
                NoteVersionWriter.missing(notes.acknowledged(), cardio, RECOVERY_BOUND);
        System.out.printf("failover-summary failovers=%d acknowledged=%d refused_503=%d missing=%d booked_twice=%d "
                        + "notes_acknowledged=%d notes_refused_503=%d notes_missing=%d%n", FAILOVERS,
                bookings.acknowledged().size(), bookings.refused(), missing.size(), bookedTwice.size(), notes.acknowledged().size(),
                notes.refused(), notesMissing.size());
        assertThat(missing).as("acknowledged bookings missing after the failover").isEmpty();
        assertThat(bookedTwice).as("slots booked twice").isEmpty();
        assertThat(notesMissing).as("acknowledged note versions missing after the failover").isEmpty();
        // the alert rules (ops/deploy/prometheus) read the coded 503s from this counter
        assertThat(countedRetryableErrors(coordinator)).as("coded 503s counted in tabib_errors_total")
                .isGreaterThanOrEqualTo(bookings.refused() + notes.refused());

        long kept = calls.callsKept();
        CallsUnderFault.Tally relay = calls.stopAndTally(
                at -> failoverWindows.stream().anyMatch(w -> at >= w[0] && at <= w[1]));
        System.out.printf("failover-calls calls=%d kept=%d relayed=%d received=%d lost_in_failovers=%d "
                        + "lost_elsewhere=%d duplicated=%d out_of_order=%d refused_503=%d%n", CALLS, kept,
                relay.sent(), relay.received(), relay.lostInWindows(), relay.lostElsewhere(), relay.duplicates(),
                relay.outOfOrder(), calls.refused());
        assertThat(calls.unexpected()).as("signalling errors other than a coded 503, ended calls, closed sockets")
                .isEmpty();
        assertThat(kept).as("calls kept through every failover").isEqualTo(CALLS);
        // A node tries a relay again while Redis fails over and delivers what it could not hear once it subscribes
        // again: only what was inside the dying primary can be lost, at most one message per direction and failover.
        assertThat(relay.lostInWindows()).as("relayed messages lost during a failover")
                .isLessThanOrEqualTo((long) FAILOVERS * CALLS * 2);
        assertThat(relay.lostElsewhere()).as("relayed messages lost outside a failover").isZero();
        assertThat(relay.duplicates()).as("relayed messages duplicated").isZero();
        assertThat(relay.outOfOrder()).as("relayed messages out of order").isZero();
    }

    @AfterEach
    void closeCallsAndTheSignalingNode() throws Exception {
        while (!closeAfterTheTest.isEmpty()) {
            closeAfterTheTest.pop().close();
        }
    }

    /**
     * {@value #CALLS} nurses and cardiologists created by the administrator, their calls set up over the application's
     * signalling server and a standalone signalling node on the same Sentinels, and two demo specialists switching
     * between available and away.
     */
    private CallsUnderFault startCalls(List<String> patients) {
        ApiClient admin = new ApiClient("http://127.0.0.1:" + port).login("admin", "demo1234");
        List<ApiClient> nurses = new ArrayList<>();
        List<ApiClient> specialists = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            nurses.add(createAndSignIn(admin, "failover.nurse" + i, "NURSE", "disp-tinghir", Set.of()));
            specialists.add(createAndSignIn(admin, "failover.cardio" + i, "SPECIALIST", null, Set.of("cardiology")));
        }
        List<ApiClient> churning = List.of(
                new ApiClient("http://127.0.0.1:" + port).login("dr.pedia", "demo1234"),
                new ApiClient("http://127.0.0.1:" + port).login("dr.derm", "demo1234"));
        String origin = "http://127.0.0.1:" + port;
        ConfigurableApplicationContext signalingNode = startSignalingNode(origin);
        closeAfterTheTest.push(signalingNode);
        String here = admin.get("/api/v1/config").json().path("signalingUrl").asText();
        String there = "ws://127.0.0.1:" + signalingNode.getBean(EmbeddedSignaling.class).boundPort() + "/signal";
        CallsUnderFault calls = CallsUnderFault.start(List.of(here, there), origin, "cardiology", nurses, specialists,
                patients, churning);
        closeAfterTheTest.push(calls);
        return calls;
    }

    private ApiClient createAndSignIn(ApiClient admin, String id, String role, String dispensary, Set<String> specialties) {
        Map<String, Object> user = new HashMap<>();
        user.put("id", id);
        user.put("displayName", "Failover " + id);
        user.put("role", role);
        user.put("password", CALL_PASSWORD);
        user.put("dispensaryId", dispensary);
        user.put("specialties", specialties);
        ApiClient.Response created = admin.post("/api/v1/admin/users", user);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return new ApiClient("http://127.0.0.1:" + port).login(id, CALL_PASSWORD);
    }

    /** A standalone signalling node (as with TABIB_MODE=signaling) on the same Sentinels and keys. */
    private static ConfigurableApplicationContext startSignalingNode(String origin) {
        return new SpringApplicationBuilder(StandaloneSignalingNode.class)
                .web(WebApplicationType.NONE)
                .profiles(StandaloneSignalingNode.PROFILE)
                .run("--tabib.demo=false", "--tabib.redis.sentinels=" + TOPOLOGY.sentinelsProperty(),
                        "--tabib.redis.sentinel-master=" + SentinelTopology.MASTER_NAME,
                        "--tabib.redis.min-replicas-acked=1",
                        "--tabib.data-dir=" + DATA_DIR.resolve("standalone-signaling"),
                        "--tabib.auth.token-key-file=" + DATA_DIR.resolve("keys/access-token.jwk"),
                        "--tabib.signaling.state-key-file=" + DATA_DIR.resolve("keys/signaling-state.key"),
                        "--tabib.signaling.port=0", "--tabib.signaling.node-id=failover-standalone",
                        "--tabib.tls.enabled=false", "--tabib.allowed-origins=" + origin);
    }

    private static double countedRetryableErrors(ApiClient coordinator) {
        return coordinator.get("/actuator/prometheus").body().lines()
                .filter(line -> line.startsWith("tabib_errors_total{"))
                .filter(line -> RETRYABLE_CODES.stream().anyMatch(code -> line.contains("code=\"" + code + "\"")))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** Books a fresh slot until it succeeds (a Lua script on the new primary); returns the time since the kill. */
    private static Duration awaitABookingSucceeds(ApiClient coordinator, JsonNode slot, String patient,
                                                  long killedAt) throws InterruptedException {
        BookingLoad.Attempt attempt = new BookingLoad.Attempt(slot, UUID.randomUUID().toString(), patient);
        Instant deadline = Instant.now().plus(RECOVERY_BOUND);
        while (true) {
            ApiClient.Response answer = BookingLoad.book(coordinator, attempt);
            assertThat(answer.status()).as(answer.body()).isIn(201, 503);
            if (answer.status() == 201) {
                return Duration.ofNanos(System.nanoTime() - killedAt);
            }
            assertThat(answer.code()).isIn(RETRYABLE_CODES);
            assertThat(Instant.now()).as("bookings work again within " + RECOVERY_BOUND).isBefore(deadline);
            Thread.sleep(LOADER_PAUSE.toMillis());
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("tabib-failover-data");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
