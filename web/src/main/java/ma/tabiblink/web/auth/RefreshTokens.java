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
import java.util.Optional;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * Opaque refresh tokens, single use: each refresh consumes the old token and hands out a new one. A session ends after
 * {@code idleTimeout} without a refresh (automatic logoff) and at the latest {@code maxSession} after sign-in.
 */
public final class RefreshTokens {

    private static final int TOKEN_BYTES = 32;

    private final UnifiedJedis redis;
    private final Clock clock;
    private final Duration idleTimeout;
    private final Duration maxSession;
    private final SecureRandom random = new SecureRandom();

    public RefreshTokens(UnifiedJedis redis, Clock clock, Duration idleTimeout, Duration maxSession) {
        this.redis = redis;
        this.clock = clock;
        this.idleTimeout = idleTimeout;
        this.maxSession = maxSession;
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    public String create(String userId) {
        return store(userId, clock.instant());
    }

    /** Consumes a refresh token; returns its new replacement's session (user and new token), if it was valid. */
    public Optional<Rotation> rotate(String token) {
        if (token == null || token.isBlank() || token.length() > 128) {
            return Optional.empty();
        }
        String value = redis.getDel(AuthKeys.refresh(hash(token)));
        if (value == null) {
            return Optional.empty();
        }
        int bar = value.indexOf('|');
        String userId = value.substring(0, bar);
        Instant sessionStart = Instant.ofEpochSecond(Long.parseLong(value.substring(bar + 1)));
        if (clock.instant().isAfter(sessionStart.plus(maxSession))) {
            return Optional.empty();
        }
        return Optional.of(new Rotation(userId, store(userId, sessionStart)));
    }

    public void revoke(String token) {
        if (token != null && !token.isBlank() && token.length() <= 128) {
            redis.del(AuthKeys.refresh(hash(token)));
        }
    }

    private String store(String userId, Instant sessionStart) {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        redis.set(AuthKeys.refresh(hash(token)), userId + "|" + sessionStart.getEpochSecond(),
                SetParams.setParams().ex(idleTimeout.toSeconds()));
        return token;
    }

    private static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public record Rotation(String userId, String refreshToken) {
    }
}
