package ma.tabiblink.web.calendarfeed;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

import ma.tabiblink.redisscript.RedisScript;
import redis.clients.jedis.UnifiedJedis;

/**
 * The secrets in specialists' private calendar feed URLs. Calendar apps cannot send a bearer token, so the URL itself
 * is the credential: 256 random bits, shown once when made. Redis keeps only its SHA-256, so neither a copy of the
 * database nor a log of it gives a usable URL. One secret per specialist; making a new one revokes the old.
 *
 * <p>Keys: {@code tl:feed:secret:<sha256 hex>} → specialist id; {@code tl:feed:of:<specialistId>} → hash
 * {@code hash} (of the current secret), {@code createdAt}.
 */
@Component
public class CalendarFeedSecrets {

    /** What a specialist's feed looks like, without its secret. */
    public record Feed(Instant createdAt) {
    }

    /** A secret just made: the only time it is known. */
    public record NewSecret(String secret, Instant createdAt) {
    }

    private static final String SECRET_PREFIX = "tl:feed:secret:";
    private static final String OF_PREFIX = "tl:feed:of:";
    private static final int SECRET_BYTES = 32;
    private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{43}");

    private final RedisScript replaceScript = RedisScript.load(CalendarFeedSecrets.class, "feed-replace.lua");
    private final RedisScript revokeScript = RedisScript.load(CalendarFeedSecrets.class, "feed-revoke.lua");
    private final SecureRandom random = new SecureRandom();
    private final UnifiedJedis redis;
    private final Clock clock;

    public CalendarFeedSecrets(UnifiedJedis redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    /** Makes a new secret for the specialist, revoking the previous one. */
    public NewSecret replace(String specialistId) {
        byte[] bytes = new byte[SECRET_BYTES];
        random.nextBytes(bytes);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant createdAt = clock.instant();
        replaceScript.run(redis, List.of(OF_PREFIX + specialistId),
                List.of(SECRET_PREFIX, hash(secret), specialistId, createdAt.toString()));
        return new NewSecret(secret, createdAt);
    }

    /** Revokes the specialist's secret; false when there was none. */
    public boolean revoke(String specialistId) {
        Object revoked = revokeScript.run(redis, List.of(OF_PREFIX + specialistId), List.of(SECRET_PREFIX));
        return Long.valueOf(1).equals(revoked);
    }

    public Optional<Feed> current(String specialistId) {
        Map<String, String> feed = redis.hgetAll(OF_PREFIX + specialistId);
        return feed.isEmpty() ? Optional.empty() : Optional.of(new Feed(Instant.parse(feed.get("createdAt"))));
    }

    /** The specialist a secret belongs to, if it is well-formed and not revoked. */
    public Optional<String> owner(String secret) {
        if (secret == null || !SECRET.matcher(secret).matches()) {
            return Optional.empty();
        }
        return Optional.ofNullable(redis.get(SECRET_PREFIX + hash(secret)));
    }

    private static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
