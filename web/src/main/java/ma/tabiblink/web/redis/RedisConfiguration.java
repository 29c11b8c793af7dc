package ma.tabiblink.web.redis;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import ma.tabiblink.web.config.StartupException;
import ma.tabiblink.web.config.TabibSettings;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.JedisSentineled;
import redis.clients.jedis.UnifiedJedis;

/**
 * The one Redis connection pool of the application. Order of precedence: Sentinel when sentinels are configured,
 * then {@code REDIS_URL}, then (demo mode only) an embedded Redis in the data folder.
 */
@Configuration(proxyBeanMethods = false)
public class RedisConfiguration {

    private static final int POOL_MAX_TOTAL = 64;
    private static final int TIMEOUT_MILLIS = 2_000;

    @Bean(destroyMethod = "close")
    EmbeddedRedisHolder embeddedRedis(TabibSettings settings, RedisProperties redis) {
        if (redis.configured()) {
            return EmbeddedRedisHolder.none();
        }
        // TabibSettings refuses to start outside demo mode without Redis configured.
        return EmbeddedRedisHolder.of(EmbeddedRedis.start(settings.dataDir().resolve("redis"), redis.embeddedPort()));
    }

    @Bean
    RedisProperties redisProperties(@Value("${tabib.redis.url:}") String url,
                                    @Value("${tabib.redis.sentinels:}") String sentinels,
                                    @Value("${tabib.redis.sentinel-master:}") String sentinelMaster,
                                    @Value("${tabib.redis.password:}") String password,
                                    @Value("${tabib.redis.min-replicas-acked:0}") int minReplicasAcked,
                                    @Value("${tabib.redis.replica-ack-timeout:1s}") Duration replicaAckTimeout,
                                    @Value("${tabib.redis.embedded-port:0}") int embeddedPort) {
        if (minReplicasAcked < 0) {
            throw new StartupException("REDIS_MIN_REPLICAS_ACKED must be 0 or more, got " + minReplicasAcked);
        }
        if (replicaAckTimeout.isZero() || replicaAckTimeout.isNegative()
                || replicaAckTimeout.toMillis() >= TIMEOUT_MILLIS) {
            // WAIT blocks the connection: past the client's read timeout it would fail as a lost connection
            throw new StartupException("REDIS_REPLICA_ACK_TIMEOUT must be positive and below " + TIMEOUT_MILLIS
                    + " ms, got " + replicaAckTimeout);
        }
        return new RedisProperties(url.strip(), sentinels.strip(), sentinelMaster.strip(), password, embeddedPort,
                minReplicasAcked, replicaAckTimeout);
    }

    @Bean(destroyMethod = "close")
    UnifiedJedis redis(RedisProperties redis, EmbeddedRedisHolder embedded) {
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(POOL_MAX_TOTAL);
        pool.setMaxIdle(POOL_MAX_TOTAL);
        pool.setMaxWait(Duration.ofMillis(TIMEOUT_MILLIS));
        if (!redis.sentinels().isEmpty()) {
            return sentinel(redis, pool);
        }
        if (!redis.url().isEmpty()) {
            URI uri = URI.create(redis.url());
            if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
                throw new StartupException("REDIS_URL must start with redis:// or rediss://, got scheme '" + uri.getScheme() + "'");
            }
            return new JedisPooled(pool, uri, TIMEOUT_MILLIS);
        }
        return new JedisPooled(pool, "127.0.0.1", embedded.port(), TIMEOUT_MILLIS);
    }

    private static UnifiedJedis sentinel(RedisProperties redis, GenericObjectPoolConfig<Connection> pool) {
        if (redis.sentinelMaster().isEmpty()) {
            throw new StartupException("REDIS_SENTINELS is set but REDIS_SENTINEL_MASTER (the master's name) is not.");
        }
        Set<HostAndPort> sentinels = Arrays.stream(redis.sentinels().split(","))
                .map(String::strip).filter(s -> !s.isEmpty())
                .map(HostAndPort::from)
                .collect(Collectors.toSet());
        DefaultJedisClientConfig.Builder master = DefaultJedisClientConfig.builder().timeoutMillis(TIMEOUT_MILLIS);
        if (!redis.password().isEmpty()) {
            master.password(redis.password());
        }
        JedisClientConfig sentinelConfig = DefaultJedisClientConfig.builder().timeoutMillis(TIMEOUT_MILLIS).build();
        return new JedisSentineled(redis.sentinelMaster(), master.build(), pool, sentinels, sentinelConfig);
    }

    /**
     * How to reach Redis, from the environment, and how many replicas must acknowledge a write reported as done
     * ({@code minReplicasAcked}, waited for at most {@code replicaAckTimeout}).
     */
    public record RedisProperties(String url, String sentinels, String sentinelMaster, String password, int embeddedPort,
                                  int minReplicasAcked, Duration replicaAckTimeout) {

        boolean configured() {
            return !url.isEmpty() || !sentinels.isEmpty();
        }

        @Override
        public String toString() {
            return "RedisProperties[url=" + (url.isEmpty() ? "" : "(set)") + ", sentinels=" + sentinels
                    + ", sentinelMaster=" + sentinelMaster + ", minReplicasAcked=" + minReplicasAcked
                    + ", replicaAckTimeout=" + replicaAckTimeout + "]";
        }
    }

    /** The embedded server, when there is one; a bean of its own so it stops after the pool that uses it. */
    static final class EmbeddedRedisHolder implements AutoCloseable {
        private final EmbeddedRedis server;

        private EmbeddedRedisHolder(EmbeddedRedis server) {
            this.server = server;
        }

        static EmbeddedRedisHolder none() {
            return new EmbeddedRedisHolder(null);
        }

        static EmbeddedRedisHolder of(EmbeddedRedis server) {
            return new EmbeddedRedisHolder(server);
        }

        int port() {
            return server.port();
        }

        @Override
        public void close() {
            if (server != null) {
                server.close();
            }
        }
    }
}
