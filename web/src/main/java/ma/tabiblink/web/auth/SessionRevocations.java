package ma.tabiblink.web.auth;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.UnifiedJedis;

/**
 * Tells every node, over a Redis channel, that sign-in sessions ended before their time (sign-out, a replayed refresh
 * token, a disabled or changed account), so that each closes the sockets it holds for them within moments. Tokens
 * already stop working everywhere through {@link TokenVerifier}; this is for connections that stay open.
 */
public final class SessionRevocations implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SessionRevocations.class);
    private static final long RETRY_MS = 500;
    private static final long SUBSCRIBE_WAIT_MS = 5000;

    /** Why sessions ended; {@link #code()} is the error code clients receive. */
    public enum Reason {
        SIGNED_OUT("SESSION_ENDED", "You signed out."),
        EXPIRED("SESSION_ENDED", "Your session has ended; sign in again."),
        REVOKED("SESSION_ENDED", "Your session was revoked; sign in again."),
        ACCOUNT_DISABLED("ACCOUNT_DISABLED", "Your account has been disabled."),
        ACCOUNT_CHANGED("ACCOUNT_CHANGED", "Your account was changed; sign in again.");

        private final String code;
        private final String message;

        Reason(String code, String message) {
            this.code = code;
            this.message = message;
        }

        public String code() {
            return code;
        }

        public String message() {
            return message;
        }
    }

    /** The sessions of {@code userId} that ended: the one named {@code sessionId}, or all of them when it is null. */
    public record Revocation(String userId, String sessionId, Reason reason) {

        public boolean covers(String user, String session) {
            return userId.equals(user) && (sessionId == null || sessionId.equals(session));
        }

        String encode() {
            return userId + " " + (sessionId == null ? "-" : sessionId) + " " + reason.name();
        }

        static Revocation decode(String message) {
            String[] parts = message.split(" ");
            return new Revocation(parts[0], "-".equals(parts[1]) ? null : parts[1], Reason.valueOf(parts[2]));
        }
    }

    /** Holds sockets of signed-in users. */
    public interface Listener {

        void revoked(Revocation revocation);

        /** The subscription broke and came back: news of revocations may have been lost meanwhile. */
        default void mayHaveMissedSome() {
        }
    }

    private final UnifiedJedis redis;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final CountDownLatch subscribed = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean lost;
    private final JedisPubSub subscriber = new JedisPubSub() {
        @Override
        public void onSubscribe(String channel, int count) {
            if (lost) {
                lost = false;
                log.info("Session revocations are received again");
                listeners.forEach(SessionRevocations::recheck);
            }
            subscribed.countDown();
        }

        @Override
        public void onMessage(String channel, String message) {
            Revocation revocation;
            try {
                revocation = Revocation.decode(message);
            } catch (RuntimeException e) {
                log.warn("Unreadable session revocation ignored");
                return;
            }
            for (Listener listener : listeners) {
                try {
                    listener.revoked(revocation);
                } catch (RuntimeException e) {
                    log.warn("A session revocation listener failed: {}", e.toString());
                }
            }
        }
    };
    private final Thread thread;

    public SessionRevocations(UnifiedJedis redis) {
        this.redis = redis;
        this.thread = new Thread(this::listen, "session-revocations");
        this.thread.setDaemon(true);
    }

    /** Subscribes, waiting a few seconds for Redis to confirm (a node that starts without Redis keeps trying). */
    public void start() {
        thread.start();
        try {
            if (!subscribed.await(SUBSCRIBE_WAIT_MS, TimeUnit.MILLISECONDS)) {
                log.warn("Not yet subscribed to session revocations; still trying");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void listen(Listener listener) {
        listeners.add(listener);
    }

    public void publish(Revocation revocation) {
        redis.publish(AuthKeys.REVOCATIONS, revocation.encode());
    }

    private static void recheck(Listener listener) {
        try {
            listener.mayHaveMissedSome();
        } catch (RuntimeException e) {
            log.warn("A session revocation listener failed to recheck: {}", e.toString());
        }
    }

    private void listen() {
        while (running) {
            try {
                redis.subscribe(subscriber, AuthKeys.REVOCATIONS);
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                if (!lost) {
                    lost = true;
                    log.warn("Subscription to session revocations lost ({}); retrying every {} ms", e.toString(), RETRY_MS);
                }
                try {
                    Thread.sleep(RETRY_MS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        if (subscriber.isSubscribed()) {
            subscriber.unsubscribe();
        }
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
