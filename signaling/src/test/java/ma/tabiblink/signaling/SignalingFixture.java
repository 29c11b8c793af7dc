package ma.tabiblink.signaling;

import ma.tabiblink.signaling.appointment.AppointmentDirectory;
import ma.tabiblink.signaling.cluster.StateCipher;
import ma.tabiblink.signaling.event.CallEventListener;
import ma.tabiblink.signaling.event.SignalingEvent;
import ma.tabiblink.signaling.patient.PatientAccess;
import ma.tabiblink.signaling.video.VideoBroker;
import ma.tabiblink.signaling.video.VideoConfig;
import redis.clients.jedis.JedisPooled;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import javax.crypto.SecretKey;

/** A real Redis on a free port and signalling nodes started on port 0 against it. */
final class SignalingFixture implements AutoCloseable {

    final RedisServer redisServer;
    final int redisPort;
    final JedisPooled redis;
    final TestTokens tokens;
    final List<SignalingEvent> events = new CopyOnWriteArrayList<>();
    /** The clock of every node started here. */
    final TestClock clock = new TestClock();
    private final List<SignalingServer> servers = new ArrayList<>();

    SignalingFixture() throws IOException {
        this(new TestTokens());
    }

    SignalingFixture(TestTokens tokens) throws IOException {
        this(tokens, null);
    }

    /** With {@code aofDir}, Redis keeps an append-only file there, so a restarted Redis comes back with its data. */
    SignalingFixture(TestTokens tokens, java.nio.file.Path aofDir) throws IOException {
        this.tokens = tokens;
        try (ServerSocket s = new ServerSocket(0)) {
            redisPort = s.getLocalPort();
        }
        redisServer = RedisServer.newRedisServer().port(redisPort).bind("127.0.0.1").setting("save \"\"")
                .settingIf(aofDir == null, "appendonly no")
                .settingIf(aofDir != null, "appendonly yes")
                .settingIf(aofDir != null, "appendfsync always")
                .settingIf(aofDir != null, "dir " + aofDir)
                .build();
        redisServer.start();
        redis = new JedisPooled("127.0.0.1", redisPort);
    }

    /** The state key every node of these tests shares, as the nodes of a cluster do. */
    static final SecretKey STATE_KEY = StateCipher.generateKey();

    /** Lets any nurse call about any patient: these tests are about routing, not about the patient's record. */
    static final PatientAccess ANY_PATIENT = (nurse, patientRef) -> Optional.empty();

    static SignalingConfig.Builder testConfig() {
        return SignalingConfig.defaults().toBuilder().port(0).sweepInterval(Duration.ofMillis(100))
                .ringTimeout(Duration.ofSeconds(30)).stateKey(STATE_KEY);
    }

    SignalingServer start(UnaryOperator<SignalingConfig.Builder> tweak) throws InterruptedException {
        return start(tweak, AppointmentDirectory.NONE);
    }

    SignalingServer start(UnaryOperator<SignalingConfig.Builder> tweak, AppointmentDirectory appointments)
            throws InterruptedException {
        return start(tweak, appointments, new VideoBroker(
                VideoConfig.stunOnly(List.of("stun:stun.example.org:3478")), Clock.systemUTC()));
    }

    SignalingServer start(UnaryOperator<SignalingConfig.Builder> tweak, AppointmentDirectory appointments,
                          VideoBroker video) throws InterruptedException {
        return start(tweak, appointments, ANY_PATIENT, video);
    }

    SignalingServer start(UnaryOperator<SignalingConfig.Builder> tweak, AppointmentDirectory appointments,
                          PatientAccess patients, VideoBroker video) throws InterruptedException {
        CallEventListener listener = events::add;
        SignalingServer server = new SignalingServer(tweak.apply(testConfig()).build(), tokens, tokens, appointments,
                patients, listener, video, new JedisPooled("127.0.0.1", redisPort), clock);
        server.start();
        servers.add(server);
        return server;
    }

    void flush() {
        redis.flushAll();
    }

    @Override
    public void close() throws IOException {
        for (SignalingServer s : servers) {
            s.stop(Duration.ofMillis(200));
        }
        redis.close();
        redisServer.stop();
    }
}
