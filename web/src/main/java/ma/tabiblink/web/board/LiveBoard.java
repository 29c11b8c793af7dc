package ma.tabiblink.web.board;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
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
import ma.tabiblink.web.account.Role;

import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * The live board of coordinators and administrators: a snapshot assembled from every {@link BoardContributor}, pushed
 * to each connected board whenever something changes (coalesced, so a burst of events costs one push) and at a steady
 * pace so waiting times keep ticking. Sections for administrators only (alerts) reach administrators only.
 */
@Service
public class LiveBoard {

    private static final Logger log = LoggerFactory.getLogger(LiveBoard.class);
    private static final Duration COALESCE = Duration.ofMillis(200);

    private final List<BoardContributor> contributors;
    private final ObjectMapper json;
    private final Clock clock;
    private final Map<WebSocketSession, Role> sessions = new ConcurrentHashMap<>();
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

    /** The board as {@code viewer} (a coordinator or an administrator) sees it. */
    public Map<String, Object> snapshot(Role viewer) {
        Map<String, Object> snapshot = new LinkedHashMap<>();
        snapshot.put("type", "board.snapshot");
        snapshot.put("at", clock.instant().toString());
        for (BoardContributor contributor : contributors) {
            if (contributor.forAdministratorsOnly() && viewer != Role.ADMIN) {
                continue;
            }
            try {
                snapshot.put(contributor.section(), contributor.snapshot());
            } catch (RuntimeException e) {
                log.warn("Board section '{}' unavailable: {}", contributor.section(), e.getMessage());
                snapshot.put(contributor.section(), Map.of("unavailable", true));
            }
        }
        return snapshot;
    }

    void add(WebSocketSession session, Role viewer) {
        sessions.put(session, viewer);
        send(session, render(viewer));
    }

    void remove(WebSocketSession session) {
        sessions.remove(session);
    }

    private void pushIfWatched() {
        if (sessions.isEmpty()) {
            return;
        }
        Map<Role, TextMessage> rendered = new EnumMap<>(Role.class);
        sessions.forEach((session, viewer) -> send(session, rendered.computeIfAbsent(viewer, this::render)));
    }

    private TextMessage render(Role viewer) {
        try {
            return new TextMessage(json.writeValueAsString(snapshot(viewer)));
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
