package ma.tabiblink.ops.load;

import com.nimbusds.jose.jwk.ECKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.SecretKey;
import ma.tabiblink.signaling.SignalingConfig;
import ma.tabiblink.signaling.SignalingServer;
import ma.tabiblink.signaling.appointment.AppointmentDirectory;
import ma.tabiblink.signaling.auth.RefreshedToken;
import ma.tabiblink.signaling.cluster.StateCipher;
import ma.tabiblink.signaling.video.VideoBroker;
import ma.tabiblink.signaling.video.VideoConfig;
import redis.clients.jedis.JedisPooled;

/**
 * A signalling node in a process of its own, so that a test can kill it with SIGKILL. Arguments: Redis port, token
 * key file, node id, node timeout in ms, file to write the bound port to, file holding the cluster's state key
 * (base64). Runs until killed.
 */
public final class SignalingNodeProcess {

    private SignalingNodeProcess() {
    }

    public static void main(String[] args) throws Exception {
        int redisPort = Integer.parseInt(args[0]);
        Path keyFile = Path.of(args[1]);
        ECKey key = ECKey.parse(Files.readString(keyFile));
        TokenMinter minter = TokenMinter.fromKeyFile(keyFile, Clock.systemUTC());
        SecretKey stateKey = StateCipher.key(Base64.getDecoder().decode(Files.readString(Path.of(args[5])).strip()));
        SignalingServer server = new SignalingServer(config(args[2], Duration.ofMillis(Long.parseLong(args[3])),
                stateKey), SignalingServerLoadTest.verifierOf(key),
                who -> Optional.of(new RefreshedToken(minter.mint(Identity.nurse("refresh", 0)), Instant.now().plusSeconds(900))),
                AppointmentDirectory.NONE, SignalingServerLoadTest.ANY_PATIENT, event -> { },
                new VideoBroker(VideoConfig.stunOnly(List.of("stun:stun.example.org:3478")), Clock.systemUTC()),
                new JedisPooled("127.0.0.1", redisPort));
        server.start();
        Path portFile = Path.of(args[4]);
        Path written = Files.writeString(portFile.resolveSibling(portFile.getFileName() + ".tmp"),
                Integer.toString(server.boundPort()));
        Files.move(written, portFile);
        Thread.sleep(Long.MAX_VALUE);
    }

    static SignalingConfig config(String nodeId, Duration nodeTimeout, SecretKey stateKey) {
        return SignalingConfig.defaults().toBuilder().port(0).nodeId(nodeId).nodeTimeout(nodeTimeout)
                .stateKey(stateKey).build();
    }
}
