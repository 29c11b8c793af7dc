package ma.tabiblink.web.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import ma.tabiblink.web.tls.SelfSignedCertificate;

/**
 * A real coturn on the lab's host address, as an operator runs it: TURN over UDP and TCP on one port, TURN over TLS
 * on another (standing for 443), credentials in coturn's REST scheme with a shared secret. Skipped by the caller when
 * coturn is not installed.
 */
final class LabTurnServer implements AutoCloseable {

    static final Path TURNSERVER = Path.of("/usr/bin/turnserver");

    final String address;
    final int port;
    final int tlsPort;
    final String secret;
    /** base64 SHA-256 of the TLS certificate's public key, for Chromium's --ignore-certificate-errors-spki-list. */
    final String certificateKeyHash;
    private final Process process;

    private LabTurnServer(String address, int port, int tlsPort, String secret, String certificateKeyHash, Process process) {
        this.address = address;
        this.port = port;
        this.tlsPort = tlsPort;
        this.secret = secret;
        this.certificateKeyHash = certificateKeyHash;
        this.process = process;
    }

    static boolean installed() {
        return Files.isExecutable(TURNSERVER);
    }

    static LabTurnServer start(String address) {
        try {
            Path dir = Files.createTempDirectory("tabib-lab-turn");
            int port = freePort(address);
            int tlsPort = freePort(address);
            int relayBase = 15000 + new SecureRandom().nextInt(15000);
            String secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
            Path cert = dir.resolve("turn.crt");
            Path key = dir.resolve("turn.key");
            SelfSignedCertificate.ensure(cert, key, Set.of(address));
            Path config = dir.resolve("turnserver.conf");
            Files.writeString(config, String.join("\n",
                    "listening-ip=" + address,
                    "relay-ip=" + address,
                    "listening-port=" + port,
                    "tls-listening-port=" + tlsPort,
                    "min-port=" + relayBase,
                    "max-port=" + (relayBase + 200),
                    "use-auth-secret",
                    "static-auth-secret=" + secret,
                    "realm=tabib.lab",
                    "fingerprint",
                    "cert=" + cert,
                    "pkey=" + key,
                    "no-dtls",
                    "no-cli",
                    "no-multicast-peers",
                    "userdb=" + dir.resolve("turndb"),
                    "pidfile=" + dir.resolve("turnserver.pid"),
                    "log-file=" + dir.resolve("turnserver.log"),
                    "simple-log",
                    ""));
            Process process = new ProcessBuilder(TURNSERVER.toString(), "-c", config.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("turnserver.out").toFile()).start();
            awaitListening(address, port);
            awaitListening(address, tlsPort);
            return new LabTurnServer(address, port, tlsPort, secret, keyHash(cert), process);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The URLs an operator would configure: TURN over UDP and TCP, and TURN over TLS. */
    String urls() {
        return "turn:" + address + ":" + port + "?transport=udp,turn:" + address + ":" + port + "?transport=tcp,turns:"
                + address + ":" + tlsPort + "?transport=tcp";
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String keyHash(Path cert) throws IOException {
        try (var in = Files.newInputStream(cert)) {
            var certificate = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
            byte[] spki = certificate.getPublicKey().getEncoded();
            return java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-256").digest(spki));
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot read the TURN certificate " + cert, e);
        }
    }

    private static int freePort(String address) throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            int port;
            try (ServerSocket tcp = new ServerSocket()) {
                tcp.bind(new InetSocketAddress(address, 0));
                port = tcp.getLocalPort();
            }
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(address), port))) {
                return port;
            } catch (IOException taken) {
                // that port is busy for UDP; try another
            }
        }
        throw new IOException("no port free for both TCP and UDP on " + address);
    }

    private static void awaitListening(String address, int port) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new InetSocketAddress(address, port), 500);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
        }
        throw new IOException("coturn did not listen on " + address + ":" + port + " within 15 s");
    }
}
