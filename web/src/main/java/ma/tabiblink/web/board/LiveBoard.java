package ma.tabiblink.web.board;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.annotation.PreDestroy;

import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * The coordinators' live board: a snapshot assembled from every {@link BoardContributor}, pushed to each connected
 * board whenever something changes (coalesced, so a burst of events costs one push) and at a steady pace so waiting
 * times keep ticking.
 */
@Service
public class LiveBoard {

    private static final Logger log = LoggerFactory.getLogger(LiveBoard.class);
    private static final Duration COALESCE = Duration.ofMillis(200);

    private final List<BoardContributor> contributors;
    private final ObjectMapper json;
    private final Clock clock;
    private final Set<WebSocketSession> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean pushPending = new AtomicBoolean();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "live-board");
        t.setDaemon(true);
        return t;
    });

    LiveBoard(List<BoardContributor> contributors, ObjectMapper json, Clock clock,
              @Value("${tabib.board.refresh:5s}") Duration refresh) {
        this.contributors = List.copyOf(contributors);
        this.json = json;
        this.clock = clock;
        scheduler.scheduleWithFixedDelay(this::pushIfWatched, refresh.toMillis(), refresh.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Something on the board changed: push a fresh snapshot soon. Cheap and safe to call from any thread. */
    public void changed() {
        if (pushPending.compareAndSet(false, true)) {
            scheduler.schedule(() -> {
                pushPending.set(false);
                pushIfWatched();
            }, COALESCE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    public Map<String, Object> snapshot() {
        Map<String, Object> snapshot = new LinkedHashMap<>();
        snapshot.put("type", "board.snapshot");
        snapshot.put("at", clock.instant().toString());
        for (BoardContributor contributor : contributors) {
            try {
                snapshot.put(contributor.section(), contributor.snapshot());
            } catch (RuntimeException e) {
                log.warn("Board section '{}' unavailable: {}", contributor.section(), e.getMessage());
                snapshot.put(contributor.section(), Map.of("unavailable", true));
            }
        }
        return snapshot;
    }

    void add(WebSocketSession session) {
        sessions.add(session);
        send(session, render());
    }

    void remove(WebSocketSession session) {
        sessions.remove(session);
    }

    private void pushIfWatched() {
        if (sessions.isEmpty()) {
            return;
        }
        TextMessage message = render();
        for (WebSocketSession session : sessions) {
            send(session, message);
        }
    }

    private TextMessage render() {
        try {
            return new TextMessage(json.writeValueAsString(snapshot()));
        } catch (IOException e) {
            throw new IllegalStateException("Board snapshot is not serialisable", e);
        }
    }

    private void send(WebSocketSession session, TextMessage message) {
        try {
            if (session.isOpen()) {
                session.sendMessage(message);
            } else {
                sessions.remove(session);
            }
        } catch (IOException | IllegalStateException e) {
            sessions.remove(session);
        }
    }

    @PreDestroy
    void stop() {
        scheduler.shutdownNow();
    }
}
