package ma.tabiblink.web.auth;

import java.time.Duration;

import ma.tabiblink.web.error.ApiException;
import redis.clients.jedis.UnifiedJedis;

/**
 * Slows password guessing: an account is locked for a while after a few failed attempts, and an address that fails
 * many times across accounts is refused for a while too. Counters live in Redis so every web node shares them.
 */
public final class LoginThrottle {

    private final UnifiedJedis redis;
    private final int maxFailuresPerUser;
    private final int maxFailuresPerAddress;
    private final Duration window;

    public LoginThrottle(UnifiedJedis redis, int maxFailuresPerUser, int maxFailuresPerAddress, Duration window) {
        this.redis = redis;
        this.maxFailuresPerUser = maxFailuresPerUser;
        this.maxFailuresPerAddress = maxFailuresPerAddress;
        this.window = window;
    }

    public void checkAllowed(String username, String address) {
        if (count(AuthKeys.failedLoginsByUser(username)) >= maxFailuresPerUser) {
            throw locked("LOGIN_LOCKED", "Too many failed sign-ins for this account; try again in "
                    + window.toMinutes() + " minutes.");
        }
        if (count(AuthKeys.failedLoginsByAddress(address)) >= maxFailuresPerAddress) {
            throw locked("LOGIN_RATE_LIMITED", "Too many failed sign-ins from this address; try again later.");
        }
    }

    public void recordFailure(String username, String address) {
        increment(AuthKeys.failedLoginsByUser(username));
        increment(AuthKeys.failedLoginsByAddress(address));
    }

    public void recordSuccess(String username) {
        redis.del(AuthKeys.failedLoginsByUser(username));
    }

    private long count(String key) {
        String value = redis.get(key);
        return value == null ? 0 : Long.parseLong(value);
    }

    private void increment(String key) {
        long n = redis.incr(key);
        if (n == 1) {
            redis.expire(key, window.toSeconds());
        }
    }

    private ApiException locked(String code, String message) {
        return new ApiException(429, code, message, java.util.Map.of("retryAfterSeconds", window.toSeconds()));
    }
}
