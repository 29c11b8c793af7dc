package ma.tabiblink.web.restart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import com.fasterxml.jackson.databind.JsonNode;

import ma.tabiblink.web.TabibLinkApplication;
import ma.tabiblink.web.redis.EmbeddedRedis;
import ma.tabiblink.web.support.ApiClient;
import ma.tabiblink.web.support.BookingLoad;
import ma.tabiblink.web.support.ConsultationNotes;
import ma.tabiblink.web.support.Nginx;
import ma.tabiblink.web.support.NoteVersionWriter;

/**
 * Two web nodes on one Redis behind nginx, restarted one at a time as docs/operations.md tells an operator to: mark
 * the node {@code down} and reload nginx (its workers finish the requests they hold), stop the node (graceful
 * shutdown lets in-flight requests finish), start it again, wait for its readiness, put it back, then the next node.
 * Meanwhile coordinators book through nginx from several threads, a specialist saves and signs note versions, and a
 * reader asks for its own account in a loop. Not one request may go unanswered or be answered with an error: every
 * answer is one the API gives when nothing is wrong, no request ends on nginx's 502, every acknowledged booking and
 * note version is there at the end, and no slot is booked twice. Each node takes requests again after its restart.
 */
@Timeout(600)
class RollingRestartTest {

    /** Far above a normal answer: slower means a request waited on a node going away. */
    private static final Duration ANSWER_BOUND = Duration.ofSeconds(10);
    private static final Duration READY_BOUND = Duration.ofSeconds(120);
    private static final Duration LOADER_PAUSE = Duration.ofMillis(50);
    private static final Duration LOAD_BETWEEN_STEPS = Duration.ofSeconds(2);
    private static final int LOADERS = 3;
    private static final int PATIENTS = 30;
    private static final int DAYS = 28;
    /** Slot conflicts (a patient already booked at that hour) are answers of a healthy API, not errors. */
    private static final Set<Integer> BOOKING_STATUSES = Set.of(201, 409);
    private static final int MAX_READS = 20_000;

    @Test
    void restartingBothWebNodesOneAtATimeBehindNginxLeavesNoRequestUnansweredAndLosesNoAcknowledgedWrite()
            throws Exception {
        Assumptions.assumeTrue(Nginx.unavailableReason().isEmpty(), () -> Nginx.unavailableReason().orElse(""));
        Path dataDir = Files.createTempDirectory("tabib-rolling-restart");
        List<Integer> ports = List.of(freePort(), freePort());
        List<ConfigurableApplicationContext> nodes = new ArrayList<>();
        try (EmbeddedRedis redis = EmbeddedRedis.start(dataDir.resolve("shared-redis"), 0)) {
            for (int n = 0; n < ports.size(); n++) {
                nodes.add(startNode(n, ports.get(n), redis.port(), dataDir));
            }
            try (Nginx nginx = Nginx.inFrontOf(ports)) {
                restartUnderLoad(nginx, nodes, ports, redis.port(), dataDir);
            }
        } finally {
            nodes.forEach(ConfigurableApplicationContext::close);
        }
    }

    private void restartUnderLoad(Nginx nginx, List<ConfigurableApplicationContext> nodes, List<Integer> ports,
                                  int redisPort, Path dataDir) throws Exception {
        ApiClient coordinator = new ApiClient(nginx.url()).login("coord1", "demo1234");
        ApiClient nurse = new ApiClient(nginx.url()).login("nurse1", "demo1234");
        ApiClient cardio = new ApiClient(nginx.url()).login("dr.cardio", "demo1234");
        Queue<JsonNode> free = BookingLoad.freeSlots(coordinator, BookingLoad.firstDay(), DAYS, DAYS);
        List<String> patients = BookingLoad.registerPatients(nurse, "Rolling restart patient", PATIENTS);
        String consultation = ConsultationNotes.openConsultation(nurse, "Rolling restart note patient", "call-rolling");

        AtomicBoolean loading = new AtomicBoolean(true);
        BookingLoad bookings = new BookingLoad(coordinator, free, loading, BOOKING_STATUSES, Set.of(), LOADER_PAUSE,
                ANSWER_BOUND);
        NoteVersionWriter notes = new NoteVersionWriter(cardio, consultation, loading, LOADER_PAUSE, ANSWER_BOUND);
        List<String> readsUnexpected = new CopyOnWriteArrayList<>();
        AtomicInteger reads = new AtomicInteger();
        ExecutorService load = Executors.newFixedThreadPool(LOADERS + 2);
        List<Future<?>> running = new ArrayList<>();
        for (int n = 0; n < LOADERS; n++) {
            running.add(load.submit(bookings.loader(patients.subList(n * PATIENTS / LOADERS, (n + 1) * PATIENTS / LOADERS))));
        }
        running.add(load.submit(notes));
        running.add(load.submit(() -> readOwnAccount(nurse, loading, reads, readsUnexpected)));
        List<Integer> servedAfterRestart = new ArrayList<>();
        try {
            Thread.sleep(LOAD_BETWEEN_STEPS.toMillis());
            for (int n = 0; n < nodes.size(); n++) {
                int port = ports.get(n);
                Instant started = Instant.now();
                nginx.markDown(port, true);
                nodes.get(n).close();
                nodes.set(n, startNode(n, port, redisPort, dataDir));
                awaitReady(port);
                nginx.markDown(port, false);
                int logMark = nginx.accessLog().size();
                Thread.sleep(LOAD_BETWEEN_STEPS.toMillis());
                // read once: the log grows while the loaders go on
                List<Nginx.Logged> logged = nginx.accessLog();
                long served = logged.subList(logMark, logged.size()).stream()
                        .filter(line -> line.upstream().equals("127.0.0.1:" + port)).count();
                servedAfterRestart.add((int) served);
                System.out.printf("rolling-restart-step node=%d port=%d out_of_service_ms=%d bookings=%d "
                                + "note_versions=%d reads=%d served_after=%d%n", n, port,
                        Duration.between(started, Instant.now()).minus(LOAD_BETWEEN_STEPS).toMillis(),
                        bookings.acknowledged().size(), notes.acknowledged().size(), reads.get(), served);
            }
        } finally {
            loading.set(false);
            load.shutdown();
            assertThat(load.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        }
        for (Future<?> loader : running) {
            loader.get();
        }

        assertThat(bookings.unexpected()).as("booking answers other than 201/409 within " + ANSWER_BOUND).isEmpty();
        assertThat(notes.unexpected()).as("note answers other than success within " + ANSWER_BOUND).isEmpty();
        assertThat(notes.refused()).as("note requests refused with a 503").isZero();
        assertThat(readsUnexpected).as("account reads answered other than 200 within " + ANSWER_BOUND).isEmpty();
        List<Nginx.Logged> log = nginx.accessLog();
        assertThat(log).as("requests nginx could not pass to a node, or a node answered with a server error")
                .filteredOn(line -> line.status() >= 500).isEmpty();
        assertThat(servedAfterRestart).as("requests each node served once back in service").allMatch(n -> n > 0);

        List<BookingLoad.Acknowledged> missing = bookings.acknowledged().stream()
                .filter(a -> !BookingLoad.isBooked(coordinator, a)).toList();
        List<String> bookedTwice = BookingLoad.slotsBookedTwice(coordinator, BookingLoad.firstDay(), DAYS);
        List<NoteVersionWriter.Acknowledged> notesMissing =
                NoteVersionWriter.missing(notes.acknowledged(), cardio, ANSWER_BOUND);
        System.out.printf("rolling-restart-summary requests=%d bookings=%d note_versions=%d reads=%d missing=%d "
                        + "booked_twice=%d notes_missing=%d%n", log.size(), bookings.acknowledged().size(),
                notes.acknowledged().size(), reads.get(), missing.size(), bookedTwice.size(), notesMissing.size());
        assertThat(bookings.acknowledged()).as("bookings acknowledged during the restarts").hasSizeGreaterThan(20);
        assertThat(notes.acknowledged()).as("note versions acknowledged during the restarts").hasSizeGreaterThan(5);
        assertThat(missing).as("acknowledged bookings missing after the restarts").isEmpty();
        assertThat(bookedTwice).as("slots booked twice").isEmpty();
        assertThat(notesMissing).as("acknowledged note versions missing after the restarts").isEmpty();
    }

    private static void readOwnAccount(ApiClient user, AtomicBoolean loading, AtomicInteger reads,
                                       List<String> unexpected) {
        for (int i = 0; i < MAX_READS && loading.get(); i++) {
            long started = System.nanoTime();
            try {
                ApiClient.Response me = user.get("/api/v1/me");
                Duration took = Duration.ofNanos(System.nanoTime() - started);
                if (me.status() != 200 || took.compareTo(ANSWER_BOUND) > 0) {
                    unexpected.add(me.status() + " after " + took + ": " + me.body());
                }
                reads.incrementAndGet();
                Thread.sleep(LOADER_PAUSE.toMillis());
            } catch (RuntimeException e) {
                unexpected.add("no answer: " + e);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** A web node as the jar runs it in demo mode, on the shared Redis and data folder (the same keys on each). */
    private static ConfigurableApplicationContext startNode(int index, int port, int redisPort, Path dataDir) {
        return new SpringApplicationBuilder(TabibLinkApplication.class).run(
                "--tabib.demo=true", "--tabib.data-dir=" + dataDir, "--server.port=" + port,
                "--tabib.redis.url=redis://127.0.0.1:" + redisPort, "--tabib.signaling.port=0",
                "--tabib.signaling.node-id=web-" + index, "--tabib.tls.enabled=false");
    }

    /** Waits for the node's readiness probe to answer UP, as the operator's {@code curl} loop does. */
    private static void awaitReady(int port) throws InterruptedException {
        ApiClient node = new ApiClient("http://127.0.0.1:" + port);
        Instant deadline = Instant.now().plus(READY_BOUND);
        while (true) {
            try {
                ApiClient.Response readiness = node.get("/actuator/health/readiness");
                if (readiness.status() == 200 && "UP".equals(readiness.json().path("status").asText())) {
                    return;
                }
            } catch (IllegalStateException notListeningYet) {
                // started but not accepting yet
            }
            assertThat(Instant.now()).as("node on " + port + " ready within " + READY_BOUND).isBefore(deadline);
            Thread.sleep(100);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
