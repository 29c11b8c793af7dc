package ma.tabiblink.web.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import ma.tabiblink.redisscript.RedisScript;
import ma.tabiblink.web.error.ApiError;
import ma.tabiblink.web.error.ApiException;
import redis.clients.jedis.UnifiedJedis;

/**
 * Slows password guessing with delays rather than lockouts: after a few failed sign-ins each further attempt must
 * wait, twice as long each time up to {@code maxDelay}. Failures are counted per account from one client address (so a
 * stranger guessing a known username slows only himself), per account from anywhere (with a larger allowance, against
 * guessing spread over many addresses) and per client address (against trying many accounts). Counting is one Lua
 * script, before the password is checked: a parallel burst gets no more checks than a sequence. Counters live in
 * Redis, shared by every web node, and are forgotten an hour after the last attempt.
 */
public final class LoginThrottle {

    /** How many failures each counter allows before delays begin. */
    public record Allowances(int perUserAndAddress, int perUser, int perAddress) {
    }

    private static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    private static final Duration FORGET_AFTER = Duration.ofHours(1);

    private final UnifiedJedis redis;
    private final Clock clock;
    private final Allowances allowances;
    private final Duration maxDelay;
    private final RedisScript attempt = RedisScript.load(LoginThrottle.class, "login-attempt.lua");
    private final RedisScript success = RedisScript.load(LoginThrottle.class, "login-success.lua");

    public LoginThrottle(UnifiedJedis redis, Clock clock, Allowances allowances, Duration maxDelay) {
        this.redis = redis;
        this.clock = clock;
        this.allowances = allowances;
        this.maxDelay = maxDelay;
    }

    /** Counts an attempt and lets it through, or refuses it with {@code 429 LOGIN_DELAYED} and how long to wait. */
    public void acquire(String username, String address) {
        Duration forget = maxDelay.compareTo(FORGET_AFTER) > 0 ? maxDelay : FORGET_AFTER;
        long waitMs = (Long) attempt.run(redis, keys(username, address), List.of(
                Long.toString(clock.millis()), Long.toString(forget.toMillis()), Long.toString(FIRST_DELAY.toMillis()),
                Long.toString(maxDelay.toMillis()), Integer.toString(allowances.perUserAndAddress()),
                Integer.toString(allowances.perUser()), Integer.toString(allowances.perAddress())));
        if (waitMs > 0) {
            long seconds = (waitMs + 999) / 1000;
            throw new ApiException(ApiError.LOGIN_DELAYED, "Too many failed sign-ins; try again in " + seconds + " s.",
                    Map.of("retryAfterSeconds", seconds));
        }
    }

    /** The attempt let through by {@link #acquire} succeeded. */
    public void succeeded(String username, String address) {
        success.run(redis, keys(username, address), List.of());
    }

    private static List<String> keys(String username, String address) {
        return List.of(AuthKeys.loginAttemptsOfPair(username, address), AuthKeys.loginAttemptsOfUser(username),
                AuthKeys.loginAttemptsOfAddress(address));
    }
}
