package ma.tabiblink.web.support;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;


/**
 * A specialist saving version after version of one consultation note through the API, as the specialist's page
 * would: the first version a draft, each next one an amendment, each signed before the next. A coded 503 is retried
 * (an amendment with the same text replaces the draft its first attempt left; a signature the first attempt made
 * answers 409 {@code NOTE_NOT_DRAFT}); a request whose connection closed before any answer came (see {@link NoAnswer}) is
 * sent once more, with the same effect; any other answer, or one slower than the bound, is logged as unexpected and
 * stops the writer. Every version answered 201 is logged with its text, for {@link #missing} to read back later.
 */
public final class NoteVersionWriter implements Runnable {

    /** A note version the application answered 201 to, and the reason text it was saved with. */
    public record Acknowledged(String noteId, int version, String reason) {
    }

    private static final Set<String> RETRYABLE_CODES = Set.of("TEMPORARILY_UNAVAILABLE", "NOT_REPLICATED");
    private static final int MAX_REQUESTS = 2_000;
    private static final Duration RETRY_PAUSE = Duration.ofMillis(100);

    private final ApiClient specialist;
    private final String consultation;
    private final AtomicBoolean writing;
    private final Duration pause;
    private final Duration answerBound;
    private final List<Acknowledged> acknowledged = new CopyOnWriteArrayList<>();
    private final List<String> unexpected = new CopyOnWriteArrayList<>();
    private final AtomicInteger refused = new AtomicInteger();

    public NoteVersionWriter(ApiClient specialist, String consultation, AtomicBoolean writing, Duration pause,
                      Duration answerBound) {
        this.specialist = specialist;
        this.consultation = consultation;
        this.writing = writing;
        this.pause = pause;
        this.answerBound = answerBound;
    }

    @Override
    public void run() {
        String noteId = null;
        int step = 1;
        boolean signing = false;
        int resentStep = -2;
        for (int i = 0; i < MAX_REQUESTS && writing.get(); i++) {
            String reason = "Failover note, text " + step;
            long started = System.nanoTime();
            ApiClient.Response r;
            try {
                if (signing) {
                    r = specialist.post("/api/v1/notes/" + noteId + "/signature", null);
                } else if (noteId == null) {
                    r = specialist.post("/api/v1/consultations/" + consultation + "/notes", ConsultationNotes.note(reason));
                } else {
                    r = specialist.post("/api/v1/notes/" + noteId + "/amendments", ConsultationNotes.note(reason));
                }
            } catch (RuntimeException e) {
                if (!NoAnswer.closedBeforeAnyAnswer(e) || resentStep == i - 1) {
                    unexpected.add("no answer: " + e);
                    return;
                }
                resentStep = i;
                continue;
            }
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            if (took.compareTo(answerBound) > 0) {
                unexpected.add(r.status() + " after " + took + ": " + r.body());
            }
            if (r.status() == 503 && RETRYABLE_CODES.contains(r.code())) {
                refused.incrementAndGet();
            } else if (!signing && r.status() == 201) {
                noteId = r.json().path("noteId").asText();
                acknowledged.add(new Acknowledged(noteId, r.json().path("version").asInt(), reason));
                signing = true;
            } else if (signing && (r.status() == 200 || (r.status() == 409 && "NOTE_NOT_DRAFT".equals(r.code())))) {
                signing = false;
                step++;
            } else {
                unexpected.add((signing ? "signature: " : "version: ") + r.status() + ": " + r.body());
                return;
            }
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    public List<Acknowledged> acknowledged() {
        return List.copyOf(acknowledged);
    }

    public List<String> unexpected() {
        return List.copyOf(unexpected);
    }

    public int refused() {
        return refused.get();
    }

    /**
     * Of the given acknowledged versions, those that the note, read back through the API, no longer holds with the
     * text they were saved with (gone: 404, or another text). A read is an audited write: one refused with a coded 503
     * is tried again until {@code bound}; any other answer fails the check.
     */
    public static List<Acknowledged> missing(List<Acknowledged> versions, ApiClient reader, Duration bound)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(bound);
        List<Acknowledged> missing = new ArrayList<>();
        for (Acknowledged v : versions) {
            ApiClient.Response read = reader.get("/api/v1/notes/" + v.noteId() + "?version=" + v.version());
            while (read.status() == 503 && RETRYABLE_CODES.contains(read.code()) && Instant.now().isBefore(deadline)) {
                Thread.sleep(RETRY_PAUSE.toMillis());
                read = reader.get("/api/v1/notes/" + v.noteId() + "?version=" + v.version());
            }
            if (read.status() != 200 && read.status() != 404) {
                throw new AssertionError("note version " + v + " unreadable: " + read.status() + " " + read.body());
            }
            if (read.status() == 404 || !v.reason().equals(read.json().path("sections").path("REASON").asText())) {
                missing.add(v);
            }
        }
        return missing;
    }
}
