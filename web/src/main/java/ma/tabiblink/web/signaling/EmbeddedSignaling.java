package ma.tabiblink.web.signaling;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import javax.crypto.SecretKey;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.Environment;

import ma.tabiblink.signaling.SignalingConfig;
import ma.tabiblink.signaling.SignalingServer;
import ma.tabiblink.signaling.SignalingView;
import ma.tabiblink.signaling.appointment.AppointmentDirectory;
import ma.tabiblink.signaling.auth.Authenticator;
import ma.tabiblink.signaling.auth.SessionEnd;
import ma.tabiblink.signaling.auth.TokenRefresher;
import ma.tabiblink.signaling.call.GuestLinks;
import ma.tabiblink.signaling.event.CallEventListener;
import ma.tabiblink.signaling.event.SignalingObserver;
import ma.tabiblink.signaling.patient.PatientAccess;
import ma.tabiblink.signaling.video.VideoBroker;
import ma.tabiblink.web.auth.SessionRevocations;
import redis.clients.jedis.UnifiedJedis;

/**
 * The signalling server running inside the web application. It starts once the HTTP server is up (so the role
 * screens' origin, with its real port, can be allowed) and, on shutdown, drains before the HTTP server stops:
 * clients are told to resume elsewhere and their calls survive within the resume window. It closes the connections of
 * sign-in sessions that end early, whichever node ended them.
 */
public class EmbeddedSignaling implements SmartLifecycle, SessionRevocations.Listener {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedSignaling.class);

    private final ApplicationContext context;
    private final Environment env;
    private final Authenticator authenticator;
    private final TokenRefresher refresher;
    private final AppointmentDirectory appointments;
    private final PatientAccess patients;
    private final SecretKey stateKey;
    private final Supplier<List<CallEventListener>> listenerLookup;
    private final Supplier<SignalingObserver> observerLookup;
    private volatile List<CallEventListener> listeners = List.of();
    private final VideoBroker video;
    private final UnifiedJedis redis;
    private final Clock clock;
    private final Duration drain;
    private volatile SignalingServer server;

    EmbeddedSignaling(ApplicationContext context, Environment env, Authenticator authenticator, TokenRefresher refresher,
                      AppointmentDirectory appointments, PatientAccess patients, SecretKey stateKey,
                      Supplier<List<CallEventListener>> listeners, Supplier<SignalingObserver> observer,
                      VideoBroker video, UnifiedJedis redis, Clock clock, Duration drain) {
        this.context = context;
        this.env = env;
        this.authenticator = authenticator;
        this.refresher = refresher;
        this.appointments = appointments;
        this.patients = patients;
        this.stateKey = stateKey;
        this.listenerLookup = listeners;
        this.observerLookup = observer;
        this.video = video;
        this.redis = redis;
        this.clock = clock;
        this.drain = drain;
    }

    @Override
    public void start() {
        listeners = List.copyOf(listenerLookup.get());
        SignalingConfig config = SignalingSettings.from(env, webOrigins(), stateKey);
        SignalingServer started = new SignalingServer(config, authenticator, refresher, appointments, patients,
                this::dispatch, video, redis, clock);
        started.observe(observerLookup.get());
        try {
            started.start();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting the signalling server", e);
        }
        server = started;
        log.info("Signalling on {}://{}:{}{} (node {})", config.tls().isPresent() ? "wss" : "ws", config.bindHost(),
                started.boundPort(), config.path(), config.nodeId());
    }

    @Override
    public void stop() {
        SignalingServer running = server;
        if (running != null) {
            running.stop(drain);
            server = null;
        }
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    /** After the web server (which starts in phase {@code Integer.MAX_VALUE - 1}) and stopped before it. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }

    public int boundPort() {
        SignalingServer running = server;
        return running == null ? -1 : running.boundPort();
    }

    @Override
    public void revoked(SessionRevocations.Revocation revocation) {
        SignalingServer running = server;
        if (running != null) {
            running.endSessions(revocation.userId(), revocation.sessionId(), switch (revocation.reason()) {
                case SIGNED_OUT -> SessionEnd.SIGNED_OUT;
                case EXPIRED -> SessionEnd.EXPIRED;
                case REVOKED -> SessionEnd.REVOKED;
                case ACCOUNT_DISABLED -> SessionEnd.ACCOUNT_DISABLED;
                case ACCOUNT_CHANGED -> SessionEnd.ACCOUNT_CHANGED;
            });
        }
    }

    @Override
    public void mayHaveMissedSome() {
        SignalingServer running = server;
        if (running != null) {
            running.recheckSessions();
        }
    }

    /** Tells a user's open connections, on every node, that a tele-expertise case changed (nothing before start). */
    public void caseChanged(String userId, String caseId, String status) {
        SignalingServer running = server;
        if (running != null) {
            running.caseChanged(userId, caseId, status);
        }
    }

    /** The guests' single-use Jitsi links; empty before the server started. */
    public Optional<GuestLinks> guestLinks() {
        SignalingServer running = server;
        return running == null ? Optional.empty() : Optional.of(running.guestLinks());
    }

    /** What the cluster looks like now; empty before the server started. */
    public SignalingView view() {
        SignalingServer running = server;
        return running == null ? EMPTY : running.view();
    }

    private void dispatch(ma.tabiblink.signaling.event.SignalingEvent event) {
        for (CallEventListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                log.warn("A signalling event listener failed on {}: {}", event.getClass().getSimpleName(), e.toString());
            }
        }
    }

    private Set<String> webOrigins() {
        int port = context instanceof WebServerApplicationContext web && web.getWebServer() != null
                ? web.getWebServer().getPort() : env.getProperty("server.port", Integer.class, 8080);
        boolean tls = env.getProperty("tabib.tls.enabled", Boolean.class, false);
        String host = env.getProperty("server.address", "127.0.0.1");
        Set<String> origins = new LinkedHashSet<>();
        for (String name : List.of("127.0.0.1", "localhost", host)) {
            origins.add((tls ? "https://" : "http://") + name + ":" + port);
        }
        return origins;
    }

    private static final SignalingView EMPTY = new SignalingView() {
        @Override
        public int localConnections() {
            return 0;
        }

        @Override
        public List<SpecialistPresence> specialists() {
            return List.of();
        }

        @Override
        public List<QueueStatus> queues() {
            return List.of();
        }

        @Override
        public int callsInProgress() {
            return 0;
        }
    };
}
