package ma.tabiblink.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import ma.tabiblink.redisscript.RedisScript;

import org.junit.jupiter.api.Test;

import redis.clients.jedis.Jedis;
import redis.embedded.RedisServer;

/**
 * A script run that asks for replica acknowledgement reports success only once a replica holds its effects, also when
 * the server lost its script cache (a restart, SCRIPT FLUSH, a freshly promoted replica); one that asks for none is a
 * plain run.
 */
class ReplicaAcknowledgementTest extends RedisTestSupport {

    private static final ReplicaAcknowledgement ONE_REPLICA = new ReplicaAcknowledgement(1, Duration.ofMillis(300));

    @Test
    void aScriptRunWithNoReplicaAskedForRunsAgainAfterTheServerForgetsItsScripts() {
        RedisScript count = RedisScript.load(ReplicaAcknowledgementTest.class, "count.lua");
        assertThat(ReplicaAcknowledgement.NONE.runConfirmed(count, redis, List.of("counter"), List.of())).isEqualTo(1L);

        redis.scriptFlush();

        assertThat(ReplicaAcknowledgement.NONE.runConfirmed(count, redis, List.of("counter"), List.of())).isEqualTo(2L);
    }

    @Test
    void aRunNoReplicaAcknowledgesIsRefusedAsNotReplicatedAndItsEffectsStayForTheRetryToFind() {
        RedisScript count = RedisScript.load(ReplicaAcknowledgementTest.class, "count.lua");

        assertThatThrownBy(() -> ONE_REPLICA.runConfirmed(count, redis, List.of("counter"), List.of()))
                .isInstanceOfSatisfying(SchedulingException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_REPLICATED));
        assertThat(redis.get("counter")).isEqualTo("1");
    }

    @Test
    void aRunAReplicaAcknowledgesSucceedsWithItsEffectsAlreadyOnTheReplicaEvenAfterTheScriptCacheIsLost()
            throws IOException {
        int replicaPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            replicaPort = socket.getLocalPort();
        }
        RedisServer replicaServer = RedisServer.newRedisServer().port(replicaPort).bind("127.0.0.1")
                .setting("save \"\"").setting("appendonly no").setting("replicaof 127.0.0.1 " + port).build();
        replicaServer.start();
        try (Jedis replica = new Jedis("127.0.0.1", replicaPort)) {
            awaitInSync(replica);
            RedisScript count = RedisScript.load(ReplicaAcknowledgementTest.class, "count.lua");
            redis.scriptFlush();

            assertThat(ONE_REPLICA.runConfirmed(count, redis, List.of("counter"), List.of())).isEqualTo(1L);
            assertThat(replica.get("counter")).isEqualTo("1");
        } finally {
            replicaServer.stop();
        }
    }

    private static void awaitInSync(Jedis replica) {
        Instant deadline = Instant.now().plusSeconds(15);
        while (!replica.info("replication").contains("master_link_status:up")) {
            assertThat(Instant.now()).as("the replica syncs within 15 s").isBefore(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
