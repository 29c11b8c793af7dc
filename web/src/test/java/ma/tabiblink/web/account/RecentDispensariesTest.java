package ma.tabiblink.web.account;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import redis.clients.jedis.JedisPooled;
import redis.embedded.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;

class RecentDispensariesTest {

    private static final Duration KEEP = Duration.ofMinutes(1);

    private static RedisServer server;
    private static JedisPooled redis;

    private Instant now = Instant.parse("2026-12-07T09:00:00Z");
    private AccountRepository accounts;
    private RecentDispensaries recent;

    @BeforeAll
    static void startRedis() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        server = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("save \"\"")
                .onShutdownForceStop(true).build();
        server.start();
        redis = new JedisPooled("127.0.0.1", port);
    }

    @AfterAll
    static void stopRedis() throws IOException {
        redis.close();
        server.stop();
    }

    @BeforeEach
    void fresh() {
        redis.flushAll();
        accounts = new AccountRepository(redis);
        recent = new RecentDispensaries(accounts::findDispensary, () -> now, KEEP);
    }

    @Test
    void aRenamedDispensaryShowsByItsNewNameOnceTheNameReadRunsOut() {
        accounts.saveDispensary(new Dispensary("disp-tinghir", "Centre de santé rural Tinghir", "Tinghir"));
        assertThat(recent.apply("disp-tinghir")).map(Dispensary::name).hasValue("Centre de santé rural Tinghir");

        accounts.saveDispensary(new Dispensary("disp-tinghir", "CSR Tinghir", "Tinghir"));
        now = now.plus(KEEP.minusSeconds(1));
        assertThat(recent.apply("disp-tinghir")).as("read less than a minute ago").map(Dispensary::name)
                .hasValue("Centre de santé rural Tinghir");

        now = now.plusSeconds(1);
        assertThat(recent.apply("disp-tinghir")).map(Dispensary::name).hasValue("CSR Tinghir");
    }

    @Test
    void aDispensaryNotFoundIsNotRememberedSoANewOneShowsAtOnce() {
        assertThat(recent.apply("disp-azilal")).isEmpty();
        accounts.saveDispensary(new Dispensary("disp-azilal", "Dispensaire Aït Mhamed", "Azilal"));
        assertThat(recent.apply("disp-azilal")).map(Dispensary::province).hasValue("Azilal");
    }

    @Test
    void noIdIsNoDispensary() {
        assertThat(recent.apply(null)).isEmpty();
        assertThat(recent.apply("")).isEmpty();
    }

    @Test
    void pastTheLimitNamesAreReadAfreshRatherThanKeptWithoutBound() {
        for (int i = 0; i <= RecentDispensaries.MAX_KEPT; i++) {
            accounts.saveDispensary(new Dispensary("disp-" + i, "Dispensaire " + i, "Azilal"));
        }
        for (int i = 0; i <= RecentDispensaries.MAX_KEPT; i++) {
            assertThat(recent.apply("disp-" + i)).isPresent();
        }
        accounts.saveDispensary(new Dispensary("disp-0", "Renamed", "Azilal"));
        assertThat(recent.apply("disp-0")).as("forgotten when the limit was passed").map(Dispensary::name)
                .hasValue("Renamed");
    }
}
