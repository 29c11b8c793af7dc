package ma.tabiblink.ops.sentinel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/** The test topology itself: sentinels promote a replica when the primary is killed, and the old one rejoins. */
@Timeout(120)
class SentinelTopologyTest {

    @BeforeAll
    static void needsRedisAndSentinel() {
        Assumptions.assumeTrue(SentinelTopology.unavailableReason().isEmpty(),
                () -> SentinelTopology.unavailableReason().orElse(""));
    }

    @Test
    void killingThePrimaryPromotesAReplicaThatKeepsTheDataAndTheOldPrimaryRejoinsAsItsReplica() {
        try (SentinelTopology topology = SentinelTopology.start(0)) {
            HostAndPort first = topology.primary();
            try (Jedis primary = new Jedis(first)) {
                primary.set("written-before-the-failover", "kept");
                assertThat(primary.waitReplicas(2, 5_000)).isEqualTo(2);
            }

            long started = System.nanoTime();
            RedisProcess killed = topology.killPrimary();
            HostAndPort promoted = topology.awaitPromotion(first, Duration.ofSeconds(30));
            System.out.printf("sentinels promoted %s %d ms after %s was killed%n", promoted,
                    Duration.ofNanos(System.nanoTime() - started).toMillis(), first);

            assertThat(promoted).isNotEqualTo(first);
            try (Jedis primary = new Jedis(promoted)) {
                assertThat(primary.get("written-before-the-failover")).isEqualTo("kept");
            }
            topology.restart(killed);
            try (Jedis rejoined = new Jedis(killed.address())) {
                assertThat(rejoined.role().get(0)).isEqualTo("slave");
                assertThat(rejoined.get("written-before-the-failover")).isEqualTo("kept");
            }
            assertThat(topology.primary()).isEqualTo(promoted);
        }
    }
}
