package ma.tabiblink.web.redis;

import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

import redis.clients.jedis.UnifiedJedis;

/** Health is DOWN when Redis does not answer a PING. */
@Component
class RedisHealthIndicator implements HealthIndicator {

    private final UnifiedJedis redis;

    RedisHealthIndicator(UnifiedJedis redis) {
        this.redis = redis;
    }

    @Override
    public Health health() {
        try {
            String reply = redis.ping();
            return "PONG".equalsIgnoreCase(reply) ? Health.up().build() : Health.down().withDetail("reply", reply).build();
        } catch (RuntimeException e) {
            return Health.down().withDetail("error", e.getClass().getSimpleName()).build();
        }
    }
}
