package ma.tabiblink.ops.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKey;
import ma.tabiblink.signaling.SignalingServer;
import ma.tabiblink.signaling.appointment.AppointmentDirectory;
import ma.tabiblink.signaling.auth.RefreshedToken;
import ma.tabiblink.signaling.cluster.StateCipher;
import ma.tabiblink.signaling.video.VideoBroker;
import ma.tabiblink.signaling.video.VideoConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.JedisPooled;
import redis.embedded.RedisServer;

/** The node-kill scenario against two real signalling nodes on one Redis, node A in a process killed with SIGKILL. */
@Timeout(180)
class NodeKillRunTest {

    private static final Duration NODE_TIMEOUT = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    @Test
    void callsOfAKilledNodeResumeOnTheOtherNodeWithNoRelayedMessageLostOrDuplicated() throws Exception {
        int redisPort;
        try (ServerSocket s = new ServerSocket(0)) {
            redisPort = s.getLocalPort();
        }
        RedisServer redis = RedisServer.newRedisServer().port(redisPort).bind("127.0.0.1").setting("save \"\"")
                .setting("appendonly no").build();
        redis.start();
        Process nodeA = null;
        SignalingServer nodeB = null;
        try {
            ECKey key = new ECKeyGenerator(Curve.P_256).keyID("node-kill-test").generate();
            Path keyFile = Files.writeString(dir.resolve("access-token.jwk"), key.toJSONString());
            Path portFile = dir.resolve("node-a.port");
            SecretKey stateKey = StateCipher.generateKey();
            Path stateKeyFile = Files.writeString(dir.resolve("signaling-state.key"),
                    Base64.getEncoder().encodeToString(stateKey.getEncoded()));
            nodeA = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), SignalingNodeProcess.class.getName(),
                    Integer.toString(redisPort), keyFile.toString(), "node-kill-a",
                    Long.toString(NODE_TIMEOUT.toMillis()), portFile.toString(), stateKeyFile.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("node-a.log").toFile()).start();
            TokenMinter minter = TokenMinter.fromKeyFile(keyFile, Clock.systemUTC());
            nodeB = new SignalingServer(SignalingNodeProcess.config("node-kill-b", NODE_TIMEOUT, stateKey),
                    SignalingServerLoadTest.verifierOf(key),
                    who -> Optional.of(new RefreshedToken(minter.mint(Identity.nurse("refresh", 0)), Instant.now().plusSeconds(900))),
                    AppointmentDirectory.NONE, SignalingServerLoadTest.ANY_PATIENT, event -> { },
                    new VideoBroker(VideoConfig.stunOnly(List.of("stun:stun.example.org:3478")), Clock.systemUTC()),
                    new JedisPooled("127.0.0.1", redisPort));
            nodeB.start();
            Process a = nodeA;
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(portFile) || !a.isAlive());
            assertThat(nodeA.isAlive()).as("node A started; its log: %s", dir.resolve("node-a.log")).isTrue();
            Path ready = dir.resolve("relaying");
            LoadOptions options = LoadOptions.parse("--scenario=node-kill", "--target=tabib",
                    "--url=ws://127.0.0.1:" + Files.readString(portFile).trim() + "/signal",
                    "--failover-url=ws://127.0.0.1:" + nodeB.boundPort() + "/signal", "--key-file=" + keyFile,
                    "--connections=16", "--member-rate=5", "--warmup=1", "--duration=1", "--ready-file=" + ready,
                    "--phase-timeout=30");
            CompletableFuture<RunOutcome> run = CompletableFuture.supplyAsync(() -> new NodeKillRun(options).run());

            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(ready) || run.isDone());
            nodeA.destroyForcibly();
            assertThat(nodeA.waitFor(10, TimeUnit.SECONDS)).isTrue();
            RunOutcome result = run.get(120, TimeUnit.SECONDS);

            assertThat(result.passed()).as(result.report()).isTrue();
            assertThat(result.report())
                    .contains("calls: 8/8 established")
                    .contains("node A killed: 8/8 of its members saw the drop")
                    .contains("resumed on node B: 8/8 members, 8 with their call listed active")
                    .contains("lost 0,").contains("duplicated 0, out of order 0")
                    .contains("relay after the resume: 16/16 directions")
                    .contains("ICE restart after the resume (ice.restart, new offer, answer): 6/6")
                    .contains("result: PASS")
                    // Taken over at the first request: no member had to wait for node A to be declared dead.
                    .contains("(8 resume requests in all)").doesNotContain("RESUME_INVALID");
        } finally {
            if (nodeA != null) {
                nodeA.destroyForcibly();
            }
            if (nodeB != null) {
                nodeB.stop(Duration.ofMillis(200));
            }
            redis.stop();
        }
    }
}
