package ma.tabiblink.web.board;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
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

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

import ma.tabiblink.web.account.Role;
import ma.tabiblink.web.auth.SessionRevocations;
import ma.tabiblink.web.auth.SignInSessions;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The live board of coordinators and administrators: a snapshot assembled from every {@link BoardContributor}, pushed
 * to each connected board whenever something changes (coalesced, so a burst of events costs one push) and at a steady
 * pace so waiting times keep ticking. Sections for administrators only (alerts) reach administrators only. A board
 * stays open only while its viewer's sign-in session lasts: at that steady pace each viewer's session is checked (idle
 * and absolute limits), and a sign-out or an account change anywhere closes it at once (close 4410).
 */
@Service
public class LiveBoard implements SessionRevocations.Listener {

    private static final Logger log = LoggerFactory.getLogger(LiveBoard.class);
    private static final Duration COALESCE = Duration.ofMillis(200);
    /** Close code when the viewer's sign-in session is over; the same as the signalling socket's. */
    static final int SESSION_ENDED = 4410;
    private static final int AUTH_EXPIRED = 4401;

    /** Who watches a board, from which sign-in session ({@code null}: none, the token's expiry ends it). */
    record Viewer(String userId, String sessionId, Instant tokenExpiresAt, Role role) {
    }

    private final List<BoardContributor> contributors;
    private final ObjectMapper json;
    private final Clock clock;
    private final Map<WebSocketSession, Viewer> sessions = new ConcurrentHashMap<>();
    private final SignInSessions signIns;
    private final AtomicBoolean pushPending = new AtomicBoolean();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "live-board");
        t.setDaemon(true);
        return t;
    });

    LiveBoard(List<BoardContributor> contributors, ObjectMapper json, Clock clock, SignInSessions signIns,
              SessionRevocations revocations, @Value("${tabib.board.refresh:5s}") Duration refresh) {
        this.contributors = List.copyOf(contributors);
        this.json = json;
        this.clock = clock;
        this.signIns = signIns;
        revocations.listen(this);
        scheduler.scheduleWithFixedDelay(() -> {
            checkViewers();
            pushIfWatched();
        }, refresh.toMillis(), refresh.toMillis(), TimeUnit.MILLISECONDS);
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

    void add(WebSocketSession session, Viewer viewer) {
        sessions.put(session, viewer);
        send(session, render(viewer.role()));
    }

    void remove(WebSocketSession session) {
        sessions.remove(session);
    }

    private void pushIfWatched() {
        if (sessions.isEmpty()) {
            return;
        }
        Map<Role, TextMessage> rendered = new EnumMap<>(Role.class);
        sessions.forEach((session, viewer) -> send(session, rendered.computeIfAbsent(viewer.role(), this::render)));
    }

    @Override
    public void revoked(SessionRevocations.Revocation revocation) {
        sessions.forEach((session, viewer) -> {
            if (revocation.covers(viewer.userId(), viewer.sessionId())) {
                close(session, SESSION_ENDED, revocation.reason().code(), revocation.reason().message());
            }
        });
    }

    @Override
    public void mayHaveMissedSome() {
        scheduler.execute(this::checkViewers);
    }

    /** Closes the boards whose sign-in session is over, or whose sessionless token has expired. */
    private void checkViewers() {
        Instant now = clock.instant();
        sessions.forEach((session, viewer) -> {
            try {
                if (viewer.sessionId() == null) {
                    if (!now.isBefore(viewer.tokenExpiresAt())) {
                        close(session, AUTH_EXPIRED, "AUTH_EXPIRED", "The access token has expired.");
                    }
                } else if (!signIns.isActive(viewer.sessionId(), viewer.userId())) {
                    close(session, SESSION_ENDED, SessionRevocations.Reason.EXPIRED.code(),
                            SessionRevocations.Reason.EXPIRED.message());
                }
            } catch (JedisException e) {
                // Redis unreachable: the session cannot be checked now; the next round will
            }
        });
    }

    private void close(WebSocketSession session, int closeCode, String code, String message) {
        sessions.remove(session);
        try {
            if (session.isOpen()) {
                session.sendMessage(new TextMessage(json.writeValueAsString(
                        Map.of("type", "error", "code", code, "message", message))));
                session.close(new CloseStatus(closeCode, code));
            }
        } catch (IOException | IllegalStateException e) {
            log.debug("Board connection already gone: {}", e.toString());
        }
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
