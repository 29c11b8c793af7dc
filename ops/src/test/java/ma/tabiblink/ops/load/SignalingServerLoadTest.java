package ma.tabiblink.ops.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ma.tabiblink.signaling.SignalingConfig;
import ma.tabiblink.signaling.SignalingServer;
import ma.tabiblink.signaling.appointment.AppointmentDirectory;
import ma.tabiblink.signaling.patient.PatientAccess;
import ma.tabiblink.signaling.auth.AuthenticationException;
import ma.tabiblink.signaling.auth.Authenticator;
import ma.tabiblink.signaling.auth.Credentials;
import ma.tabiblink.signaling.auth.RefreshedToken;
import ma.tabiblink.signaling.auth.Role;
import ma.tabiblink.signaling.video.VideoBroker;
import ma.tabiblink.signaling.video.VideoConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.JedisPooled;
import redis.embedded.RedisServer;

/** The load generator's scenarios against the real signalling server, on a real Redis. */
@Timeout(120)
class SignalingServerLoadTest {

    @TempDir
    static Path dir;

    private static RedisServer redis;
    private static SignalingServer server;
    private static Path keyFile;

    @BeforeAll
    static void startServer() throws Exception {
        int redisPort;
        try (ServerSocket s = new ServerSocket(0)) {
            redisPort = s.getLocalPort();
        }
        redis = RedisServer.newRedisServer().port(redisPort).bind("127.0.0.1").setting("save \"\"")
                .setting("appendonly no").build();
        redis.start();
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("load-test").generate();
        keyFile = Files.writeString(dir.resolve("access-token.jwk"), key.toJSONString());
        TokenMinter minter = TokenMinter.fromKeyFile(keyFile, Clock.systemUTC());
        SignalingConfig config = SignalingConfig.defaults().toBuilder()
                .port(0)
                .maxMessagesPerSecond(100_000)
                .messageBurst(100_000)
                .build();
        server = new SignalingServer(config, verifierOf(key),
                who -> Optional.of(new RefreshedToken(minter.mint(Identity.nurse("refresh", 0)), Instant.now().plusSeconds(900))),
                AppointmentDirectory.NONE, ANY_PATIENT, event -> { },
                new VideoBroker(VideoConfig.stunOnly(List.of("stun:stun.example.org:3478")), Clock.systemUTC()),
                new JedisPooled("127.0.0.1", redisPort));
        server.start();
    }

    /** The load's patient references are made up: any nurse may call about any of them. */
    static final PatientAccess ANY_PATIENT = (nurse, patientRef) -> Optional.empty();

    /**
     * Verifies access tokens as the web application does: ES256 signature, issuer, audience, expiry, claims, from the
     * {@code Authorization: Bearer} header (the generator's way; tokens in the URL are refused).
     */
    static Authenticator verifierOf(ECKey key) throws JOSEException {
        ECDSAVerifier verifier = new ECDSAVerifier(key.toECPublicKey());
        return credentials -> {
            if (!(credentials instanceof Credentials.Bearer bearer)) {
                throw new AuthenticationException(AuthenticationException.Reason.MISSING, "no bearer token");
            }
            try {
                SignedJWT jwt = SignedJWT.parse(bearer.token());
                JWTClaimsSet claims = jwt.getJWTClaimsSet();
                if (!jwt.verify(verifier) || !"tabib-link".equals(claims.getIssuer())
                        || !claims.getAudience().contains("tabib-link-api")) {
                    throw new AuthenticationException(AuthenticationException.Reason.INVALID, "bad token");
                }
                return new ma.tabiblink.signaling.auth.Identity(claims.getSubject(), claims.getStringClaim("name"),
                        Role.valueOf(claims.getStringClaim("role")), claims.getStringClaim("disp"),
                        claims.getStringClaim("prov"), new HashSet<>(claims.getStringListClaim("spec")),
                        claims.getExpirationTime().toInstant());
            } catch (ParseException | JOSEException e) {
                throw new AuthenticationException(AuthenticationException.Reason.INVALID, "bad token");
            }
        };
    }

    @AfterAll
    static void stopServer() throws IOException {
        if (server != null) {
            server.stop(Duration.ofMillis(200));
        }
        if (redis != null) {
            redis.stop();
        }
    }

    private static String url() {
        return "--url=ws://127.0.0.1:" + server.boundPort() + "/signal";
    }

    @Test
    void relayScenarioEstablishesEveryCallThroughTheServerRelaysInsideItAndHangsUp() {
        String report = new RelayRun(LoadOptions.parse("--target=tabib", url(), "--key-file=" + keyFile,
                "--prefix=relay", "--connections=20", "--warmup=0", "--duration=1")).run();

        assertThat(report).contains("connections: 20/20 authenticated and ready")
                .contains("calls: 10/10 established")
                .contains("hang-up: 10/10 calls ended")
                .doesNotContain("error ").doesNotContain("unexpected").doesNotContain("never came back");
        assertThat(number(report, "relay: 10 pairs, (\\d+) messages relayed")).isPositive();
        assertThat(number(report, "call setup request->accepted \\(all at once\\): .*\\((\\d+) samples\\)")).isEqualTo(10);
    }

    @Test
    void callRateScenarioSetsUpEveryPlannedCallAndHangsUp() {
        String report = new CallRateRun(LoadOptions.parse("--target=tabib", url(), "--key-file=" + keyFile,
                "--prefix=rate", "--calls-per-second=10", "--duration=2", "--pool=10", "--call-hold-ms=100")).run();

        assertThat(report).contains("calls: 20 requested").contains("20 established, 0 failed, 0 not placed")
                .contains("0 still open at the end").doesNotContain("error ");
        assertThat(number(report, "call setup request->accepted: .*\\((\\d+) samples\\)")).isEqualTo(20);
    }

    @Test
    void idleScenarioHoldsAuthenticatedConnectionsOpen() {
        String report = new IdleRun(LoadOptions.parse("--target=tabib", url(), "--key-file=" + keyFile,
                "--prefix=idle", "--idle=40", "--hold=1")).run();

        assertThat(report).contains("connections: 40/40 authenticated").contains("still open after holding: 40/40");
    }

    @Test
    void idleScenarioConnectsFromSeveralLoopbackAddressesAtAPacedRate() {
        String report = new IdleRun(LoadOptions.parse("--target=tabib", url(), "--key-file=" + keyFile,
                "--prefix=spread", "--idle=40", "--hold=0", "--source-addresses=4", "--connect-rate=400")).run();

        assertThat(report).contains("connections: 40/40 authenticated")
                .contains("paced at 400 per s; from 4 local addresses")
                .contains("still open after holding: 40/40");
    }

    @Test
    void tokensFromAnotherKeyAreRefusedAndReportedWithTheServersCode() throws Exception {
        Path otherKey = Files.writeString(dir.resolve("other.jwk"),
                new ECKeyGenerator(Curve.P_256).generate().toJSONString());

        String report = new RelayRun(LoadOptions.parse("--target=tabib", url(), "--key-file=" + otherKey,
                "--prefix=forged", "--connections=4", "--warmup=0", "--duration=1", "--phase-timeout=10")).run();

        assertThat(report).contains("connections: 0/4 authenticated").contains("AUTH_INVALID")
                .contains("no pair could be set up");
    }

    private static long number(String report, String regex) {
        Matcher m = Pattern.compile(regex).matcher(report);
        assertThat(m.find()).as("report matches %s:%n%s", regex, report).isTrue();
        return Long.parseLong(m.group(1));
    }
}
