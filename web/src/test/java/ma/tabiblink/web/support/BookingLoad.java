package ma.tabiblink.web.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Coordinators booking free slots through the REST API while a test breaks something underneath (a Redis failover,
 * a web node restart). Each {@link #loader} books slots taken from a shared queue one after another, retrying a
 * refused attempt (a coded 503 among the retryable codes) with the same idempotency key, as a coordinator's page
 * would; an attempt whose connection closed before any answer came (see {@link NoAnswer}) is sent once more with its
 * key, as a coordinator would press again. Every booking answered 201 is logged as acknowledged, every answer outside the contract (a status not
 * allowed, a 503 with another code, no answer, an answer slower than the bound) as unexpected; the checks compare
 * the acknowledged log with what the API holds at the end.
 */
public final class BookingLoad {

    /** One booking attempt: the slot, and the key it keeps across retries. */
    public record Attempt(JsonNode slot, String idempotencyKey, String patientRef) {
    }

    /** A booking the application answered 201 to: what the client was told. */
    public record Acknowledged(String appointmentId, String slot) {
    }

    private static final ZoneId CASABLANCA = ZoneId.of("Africa/Casablanca");
    private static final int MAX_ATTEMPTS_PER_LOADER = 2_000;
    private static final List<String> SPECIALTIES = List.of("cardiology", "paediatrics", "dermatology");

    private final ApiClient coordinator;
    private final Queue<JsonNode> free;
    private final AtomicBoolean loading;
    private final Set<Integer> allowedStatuses;
    private final Set<String> retryableCodes;
    private final Duration pause;
    private final Duration answerBound;
    private final List<Acknowledged> acknowledged = new CopyOnWriteArrayList<>();
    private final List<String> unexpected = new CopyOnWriteArrayList<>();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger resent = new AtomicInteger();

    /**
     * @param allowedStatuses the statuses an answer may have; 503 among them means a coded 503 with one of
     *                        {@code retryableCodes} is retried
     */
    public BookingLoad(ApiClient coordinator, Queue<JsonNode> free, AtomicBoolean loading, Set<Integer> allowedStatuses,
                       Set<String> retryableCodes, Duration pause, Duration answerBound) {
        this.coordinator = coordinator;
        this.free = free;
        this.loading = loading;
        this.allowedStatuses = Set.copyOf(allowedStatuses);
        this.retryableCodes = Set.copyOf(retryableCodes);
        this.pause = pause;
        this.answerBound = answerBound;
    }

    /** One coordinator's loop, booking for the given patients until told to stop or out of slots. */
    public Runnable loader(List<String> patients) {
        return () -> load(patients);
    }

    public List<Acknowledged> acknowledged() {
        return List.copyOf(acknowledged);
    }

    public List<String> unexpected() {
        return List.copyOf(unexpected);
    }

    /** Attempts sent once more, with the same idempotency key, after their connection closed before any answer. */
    public int resent() {
        return resent.get();
    }

    /** Attempts answered with a retryable coded 503. */
    public int refused() {
        return refused.get();
    }

    private void load(List<String> patients) {
        Attempt attempt = null;
        Attempt resentAttempt = null;
        for (int i = 0; i < MAX_ATTEMPTS_PER_LOADER && loading.get(); i++) {
            if (attempt == null) {
                JsonNode slot = free.poll();
                if (slot == null) {
                    return;
                }
                attempt = new Attempt(slot, UUID.randomUUID().toString(), patients.get(i % patients.size()));
            }
            long started = System.nanoTime();
            ApiClient.Response r;
            try {
                r = book(coordinator, attempt);
            } catch (RuntimeException e) {
                if (!NoAnswer.closedBeforeAnyAnswer(e) || resentAttempt == attempt) {
                    unexpected.add("no answer: " + e);
                    return;
                }
                resentAttempt = attempt;
                resent.incrementAndGet();
                continue;
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            boolean retryable = r.status() == 503 && retryableCodes.contains(r.code());
            if (!allowedStatuses.contains(r.status()) || took.compareTo(answerBound) > 0
                    || (r.status() == 503 && !retryable)) {
                unexpected.add(r.status() + " after " + took + ": " + r.body());
            }
            if (r.status() == 201) {
                acknowledged.add(new Acknowledged(r.json().path("id").asText(), slotKey(attempt.slot())));
            }
            if (retryable) {
                refused.incrementAndGet();
            } else {
                attempt = null;
            }
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    public static ApiClient.Response book(ApiClient coordinator, Attempt attempt) {
        Map<String, Object> body = new HashMap<>();
        body.put("specialistId", attempt.slot().path("specialistId").asText());
        body.put("specialty", attempt.slot().path("specialty").asText());
        body.put("start", attempt.slot().path("start").asText());
        body.put("patientRef", attempt.patientRef());
        body.put("dispensaryId", "disp-tinghir");
        return coordinator.post("/api/v1/appointments", body, Map.of("Idempotency-Key", attempt.idempotencyKey()));
    }

    public static boolean isBooked(ApiClient coordinator, Acknowledged booking) {
        ApiClient.Response kept = coordinator.get("/api/v1/appointments/" + booking.appointmentId());
        return kept.status() == 200 && "booked".equals(kept.json().path("status").asText());
    }

    /** The slots (specialist and start) holding more than one booked appointment, over {@code days} from {@code from}. */
    public static List<String> slotsBookedTwice(ApiClient coordinator, LocalDate from, int days) {
        Map<String, Integer> perSlot = new HashMap<>();
        for (LocalDate day = from; day.isBefore(from.plusDays(days)); day = day.plusDays(1)) {
            for (JsonNode a : coordinator.get("/api/v1/appointments?date=" + day).json()) {
                if ("booked".equals(a.path("status").asText())) {
                    perSlot.merge(slotKey(a), 1, Integer::sum);
                }
            }
        }
        return perSlot.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
    }

    /** The free slots of the three demo specialties over {@code days} from {@code from}, asked for a window at a time. */
    public static Queue<JsonNode> freeSlots(ApiClient coordinator, LocalDate from, int days, int windowDays) {
        Queue<JsonNode> free = new ConcurrentLinkedQueue<>();
        for (LocalDate window = from; window.isBefore(from.plusDays(days)); window = window.plusDays(windowDays)) {
            for (String specialty : SPECIALTIES) {
                ApiClient.Response slots = coordinator.get("/api/v1/slots?specialty=" + specialty + "&from=" + window
                        + "&to=" + window.plusDays(windowDays - 1) + "&limit=1000");
                assertThat(slots.status()).as(slots.body()).isEqualTo(200);
                slots.json().forEach(free::add);
            }
        }
        return free;
    }

    /** Registers {@code count} consenting patients of the nurse's dispensary, each with its own name and birth year. */
    public static List<String> registerPatients(ApiClient nurse, String namePrefix, int count) {
        List<String> patients = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ApiClient.Response registered = nurse.post("/api/v1/patients", Map.of("fullName", namePrefix + " " + i,
                    "birthYear", 1960 + i, "sex", "FEMALE", "teleconsultationConsent", true));
            assertThat(registered.status()).as(registered.body()).isEqualTo(201);
            patients.add(registered.json().path("id").asText());
        }
        return patients;
    }

    /** The Monday a week after next, in Casablanca: a week whose slots are all in the future. */
    public static LocalDate firstDay() {
        return LocalDate.now(CASABLANCA).with(TemporalAdjusters.next(DayOfWeek.MONDAY)).plusWeeks(1);
    }

    public static String slotKey(JsonNode slotOrAppointment) {
        return slotOrAppointment.path("specialistId").asText() + " " + slotOrAppointment.path("start").asText();
    }
}
