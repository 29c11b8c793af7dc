package ma.tabiblink.web.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import ma.tabiblink.redisscript.RedisScript;

import redis.clients.jedis.UnifiedJedis;

/**
 * Sign-in sessions, each with its family of opaque, single-use refresh tokens. A session ends after
 * {@code idleTimeout} without a refresh (automatic logoff), at the latest {@code maxSession} after sign-in, when the
 * user signs out, when one of its refresh tokens is replayed, or when the account is disabled or changed. Every access
 * token names its session ({@code sid}) and stops working when it ends. Only hashes of refresh tokens are stored.
 */
public final class SignInSessions {

    private static final int TOKEN_BYTES = 32;
    private static final int MAX_TOKEN_LENGTH = 128;

    private final UnifiedJedis redis;
    private final Clock clock;
    private final Duration idleTimeout;
    private final Duration maxSession;
    private final SecureRandom random = new SecureRandom();
    private final RedisScript startScript = RedisScript.load(SignInSessions.class, "session-start.lua");
    private final RedisScript rotateScript = RedisScript.load(SignInSessions.class, "session-rotate.lua");
    private final RedisScript findScript = RedisScript.load(SignInSessions.class, "session-find.lua");
    private final RedisScript endScript = RedisScript.load(SignInSessions.class, "session-end.lua");
    private final RedisScript endAllScript = RedisScript.load(SignInSessions.class, "session-end-all.lua");

    public SignInSessions(UnifiedJedis redis, Clock clock, Duration idleTimeout, Duration maxSession) {
        this.redis = redis;
        this.clock = clock;
        this.idleTimeout = idleTimeout;
        this.maxSession = maxSession;
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** A new session and its first refresh token; {@code deadline} is when it ends unless refreshed. */
    public record Started(String sessionId, String refreshToken, Instant deadline) {
    }

    /** What exchanging a refresh token did. */
    public sealed interface Rotation {
    }

    /** The session goes on with a new refresh token, until {@code deadline} unless refreshed again. */
    public record Rotated(String userId, String sessionId, String refreshToken, Instant deadline) implements Rotation {
    }

    /** The token had already been exchanged: its whole session has just been revoked. */
    public record Reused(String userId, String sessionId) implements Rotation {
    }

    /** An unknown token, or its session is over. */
    public record Invalid() implements Rotation {
    }

    /** A session still going: whose, and when it ends unless refreshed (idle or absolute limit). */
    public record Active(String userId, Instant deadline) {
    }

    public Started start(String userId) {
        String sessionId = newSecret(16);
        String refreshToken = newSecret(TOKEN_BYTES);
        Instant now = clock.instant();
        long left = (Long) startScript.run(redis,
                List.of(AuthKeys.session(sessionId), AuthKeys.signIns(userId), AuthKeys.refresh(hash(refreshToken))),
                List.of(AuthKeys.PREFIX, userId, sessionId, Long.toString(now.toEpochMilli()),
                        Long.toString(idleTimeout.toMillis()), Long.toString(maxSession.toMillis())));
        return new Started(sessionId, refreshToken, now.plusMillis(left));
    }

    /** Exchanges a refresh token for the next one of its session. */
    public Rotation rotate(String refreshToken) {
        if (!plausible(refreshToken)) {
            return new Invalid();
        }
        String next = newSecret(TOKEN_BYTES);
        Instant now = clock.instant();
        List<?> result = (List<?>) rotateScript.run(redis,
                List.of(AuthKeys.refresh(hash(refreshToken)), AuthKeys.refresh(hash(next))),
                List.of(AuthKeys.PREFIX, Long.toString(now.toEpochMilli()), Long.toString(idleTimeout.toMillis())));
        return switch ((String) result.get(0)) {
            case "OK" -> new Rotated((String) result.get(1), (String) result.get(2), next,
                    now.plusMillis((Long) result.get(3)));
            case "REUSED" -> new Reused((String) result.get(1), (String) result.get(2));
            default -> new Invalid();
        };
    }

    /** Whether the session is going and is {@code userId}'s (checked for every request and connection). */
    public boolean isActive(String sessionId, String userId) {
        return userId.equals(redis.hget(AuthKeys.session(sessionId), "user"));
    }

    public Optional<Active> find(String sessionId) {
        List<?> result = (List<?>) findScript.run(redis, List.of(AuthKeys.session(sessionId)), List.of());
        if (result == null) {
            return Optional.empty();
        }
        return Optional.of(new Active((String) result.get(0), clock.instant().plusMillis((Long) result.get(1))));
    }

    /** Ends a session; returns its user, or empty when it had already ended. */
    public Optional<String> end(String sessionId) {
        Object user = endScript.run(redis, List.of(AuthKeys.session(sessionId)), List.of(AuthKeys.PREFIX, sessionId));
        return Optional.ofNullable((String) user);
    }

    /** A session that was going and has just ended. */
    public record Ended(String userId, String sessionId) {
    }

    /** Ends the session of a refresh token, current or already exchanged (sign-out needs nothing else). */
    public Optional<Ended> endByRefreshToken(String refreshToken) {
        if (!plausible(refreshToken)) {
            return Optional.empty();
        }
        String value = redis.get(AuthKeys.refresh(hash(refreshToken)));
        if (value == null) {
            return Optional.empty();
        }
        String sessionId = value.startsWith("used:") ? value.substring(5) : value;
        return end(sessionId).map(user -> new Ended(user, sessionId));
    }

    /** Ends every session of the user; returns the ids of those that were going. */
    @SuppressWarnings("unchecked")
    public List<String> endAll(String userId) {
        return (List<String>) endAllScript.run(redis, List.of(AuthKeys.signIns(userId)), List.of(AuthKeys.PREFIX));
    }

    private static boolean plausible(String token) {
        return token != null && !token.isBlank() && token.length() <= MAX_TOKEN_LENGTH;
    }

    private String newSecret(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
