package ma.tabiblink.signaling.video;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The credentials {@link VideoBroker} hands out are accepted by a real coturn started with {@code use-auth-secret}
 * on loopback, and refused once expired or when minted with another secret. The TURN exchange (RFC 5766 Allocate
 * with the long-term credential mechanism of RFC 5389) is written here from the RFCs, independently of the broker.
 * Skipped when coturn's {@code turnserver} is not installed ({@code apt-get install coturn}).
 */
class CoturnAcceptsTurnCredentialsTest {

    private static final String SECRET = "coturn-test-secret-" + Long.toHexString(new SecureRandom().nextLong());
    private static final Path TURNSERVER = Path.of("/usr/bin/turnserver");
    private static final int MAGIC_COOKIE = 0x2112A442;
    private static final int ALLOCATE = 0x0003;
    private static final int ALLOCATE_SUCCESS = 0x0103;
    private static final int ALLOCATE_ERROR = 0x0113;
    private static final int BINDING = 0x0001;
    private static final int ATTR_USERNAME = 0x0006;
    private static final int ATTR_MESSAGE_INTEGRITY = 0x0008;
    private static final int ATTR_ERROR_CODE = 0x0009;
    private static final int ATTR_REALM = 0x0014;
    private static final int ATTR_NONCE = 0x0015;
    private static final int ATTR_XOR_RELAYED_ADDRESS = 0x0016;
    private static final int ATTR_REQUESTED_TRANSPORT = 0x0019;
    private static final int TRANSPORT_UDP = 17;

    @TempDir
    static Path dir;
    private static Process coturn;
    private static int port;

    @BeforeAll
    static void startCoturn() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(TURNSERVER),
                "coturn's turnserver is not installed (apt-get install coturn); skipping the interoperability test");
        port = freePort();
        // Relay ports below the kernel's ephemeral range (32768+), where outgoing connections take ports at any time.
        int relayBase = 15000 + new SecureRandom().nextInt(15000);
        Path config = dir.resolve("turnserver.conf");
        Files.writeString(config, String.join("\n",
                "listening-ip=127.0.0.1",
                "relay-ip=127.0.0.1",
                "listening-port=" + port,
                "min-port=" + relayBase,
                "max-port=" + (relayBase + 20),
                "use-auth-secret",
                "static-auth-secret=" + SECRET,
                "realm=tabib.test",
                "fingerprint",
                "no-tls",
                "no-dtls",
                "no-cli",
                "userdb=" + dir.resolve("turndb"),
                "pidfile=" + dir.resolve("turnserver.pid"),
                "log-file=" + dir.resolve("turnserver.log"),
                "simple-log",
                ""));
        coturn = new ProcessBuilder(TURNSERVER.toString(), "-c", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("turnserver.out").toFile())
                .start();
        awaitBindingAnswer();
    }

    @AfterAll
    static void stopCoturn() throws InterruptedException {
        if (coturn != null) {
            coturn.destroy();
            if (!coturn.waitFor(10, TimeUnit.SECONDS)) {
                coturn.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void credentialFromTheBrokerAllocatesARelayOnCoturn() throws Exception {
        IceServer turn = turnEntry(broker(SECRET, Clock.systemUTC()).peerToPeer("nurse1"));

        Response response = allocate(turn.username(), turn.credential());

        assertThat(response.type()).isEqualTo(ALLOCATE_SUCCESS);
        assertThat(response.attributes()).containsKey(ATTR_XOR_RELAYED_ADDRESS);
    }

    @Test
    void expiredCredentialIsRefusedByCoturn() throws Exception {
        Clock thirteenHoursAgo = Clock.fixed(Instant.now().minus(Duration.ofHours(13)), ZoneOffset.UTC);
        IceServer turn = turnEntry(broker(SECRET, thirteenHoursAgo).peerToPeer("nurse1"));

        Response response = allocate(turn.username(), turn.credential());

        assertThat(response.type()).isEqualTo(ALLOCATE_ERROR);
        assertThat(response.errorCode()).isEqualTo(401);
    }

    @Test
    void credentialMintedWithAnotherSecretIsRefusedByCoturn() throws Exception {
        IceServer turn = turnEntry(broker(SECRET + "-other", Clock.systemUTC()).peerToPeer("nurse1"));

        Response response = allocate(turn.username(), turn.credential());

        assertThat(response.type()).isEqualTo(ALLOCATE_ERROR);
        assertThat(response.errorCode()).isEqualTo(401);
    }

    private static VideoBroker broker(String secret, Clock clock) {
        VideoConfig config = VideoConfig.stunOnly(List.of("stun:127.0.0.1:" + port))
                .withTurn(List.of("turn:127.0.0.1:" + port + "?transport=udp"), secret);
        return new VideoBroker(config, clock);
    }

    private static IceServer turnEntry(PeerToPeerConfig p2p) {
        return p2p.iceServers().stream().filter(IceServer::hasCredentials).findFirst().orElseThrow();
    }

    /** Allocate: the first request is challenged (401 with realm and nonce), the second carries the credential. */
    private static Response allocate(String username, String password) throws Exception {
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(2000);
            byte[] transport = {TRANSPORT_UDP, 0, 0, 0};
            Response challenge = exchange(socket, message(ALLOCATE, List.of(attribute(ATTR_REQUESTED_TRANSPORT, transport)), null));
            assertThat(challenge.errorCode()).as("challenge").isEqualTo(401);
            byte[] realm = challenge.attributes().get(ATTR_REALM);
            byte[] nonce = challenge.attributes().get(ATTR_NONCE);
            byte[] key = MessageDigest.getInstance("MD5").digest(
                    (username + ":" + new String(realm, StandardCharsets.UTF_8) + ":" + password).getBytes(StandardCharsets.UTF_8));
            List<byte[]> attributes = List.of(
                    attribute(ATTR_REQUESTED_TRANSPORT, transport),
                    attribute(ATTR_USERNAME, username.getBytes(StandardCharsets.UTF_8)),
                    attribute(ATTR_REALM, realm),
                    attribute(ATTR_NONCE, nonce));
            return exchange(socket, message(ALLOCATE, attributes, key));
        }
    }

    private static void awaitBindingAnswer() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.setSoTimeout(200);
            while (System.nanoTime() < deadline) {
                assertThat(coturn.isAlive()).as("turnserver is running (see %s)", dir.resolve("turnserver.log")).isTrue();
                try {
                    exchange(socket, message(BINDING, List.of(), null));
                    return;
                } catch (SocketTimeoutException notYet) {
                    Thread.sleep(100);
                }
            }
        }
        throw new IllegalStateException("turnserver did not answer on 127.0.0.1:" + port);
    }

    private static Response exchange(DatagramSocket socket, byte[] request) throws IOException {
        socket.send(new DatagramPacket(request, request.length, InetAddress.getLoopbackAddress(), port));
        byte[] buffer = new byte[2048];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        socket.receive(packet);
        ByteBuffer in = ByteBuffer.wrap(buffer, 0, packet.getLength());
        int type = in.getShort() & 0xffff;
        int length = in.getShort() & 0xffff;
        in.position(20);
        Map<Integer, byte[]> attributes = new HashMap<>();
        int end = 20 + length;
        while (in.position() + 4 <= end) {
            int attributeType = in.getShort() & 0xffff;
            int attributeLength = in.getShort() & 0xffff;
            byte[] value = new byte[attributeLength];
            in.get(value);
            in.position(in.position() + (4 - attributeLength % 4) % 4);
            attributes.putIfAbsent(attributeType, value);
        }
        return new Response(type, attributes);
    }

    private static byte[] message(int type, List<byte[]> attributes, byte[] integrityKey) throws GeneralSecurityException {
        List<byte[]> all = new ArrayList<>(attributes);
        byte[] transactionId = new byte[12];
        new SecureRandom().nextBytes(transactionId);
        if (integrityKey != null) {
            // The length field already counts the MESSAGE-INTEGRITY attribute (24 bytes) when the HMAC is computed.
            byte[] covered = assemble(type, all, transactionId, 24);
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(integrityKey, "HmacSHA1"));
            all.add(attribute(ATTR_MESSAGE_INTEGRITY, mac.doFinal(covered)));
        }
        return assemble(type, all, transactionId, 0);
    }

    private static byte[] assemble(int type, List<byte[]> attributes, byte[] transactionId, int extraLength) {
        int length = attributes.stream().mapToInt(a -> a.length).sum();
        ByteBuffer out = ByteBuffer.allocate(20 + length);
        out.putShort((short) type).putShort((short) (length + extraLength)).putInt(MAGIC_COOKIE).put(transactionId);
        attributes.forEach(out::put);
        return out.array();
    }

    private static byte[] attribute(int type, byte[] value) {
        int padding = (4 - value.length % 4) % 4;
        return ByteBuffer.allocate(4 + value.length + padding)
                .putShort((short) type).putShort((short) value.length).put(value).array();
    }

    private static int freePort() throws IOException {
        // coturn listens on the same number for UDP and TCP; a free TCP port with no UDP listener is good enough here.
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                 DatagramSocket udp = new DatagramSocket(tcp.getLocalPort(), InetAddress.getLoopbackAddress())) {
                return tcp.getLocalPort();
            } catch (IOException taken) {
                // the UDP side of that number is in use; try another
            }
        }
        throw new IOException("no free loopback port for turnserver");
    }

    private record Response(int type, Map<Integer, byte[]> attributes) {
        int errorCode() {
            byte[] value = attributes.get(ATTR_ERROR_CODE);
            return value == null ? 0 : (value[2] & 0x7) * 100 + (value[3] & 0xff);
        }
    }
}
