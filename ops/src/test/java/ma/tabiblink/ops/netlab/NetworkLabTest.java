package ma.tabiblink.ops.netlab;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The link emulator does what its profiles say, measured from inside the lab against servers on the host: delay,
 * rate, loss, the firewall, profile changes, its own small overhead, and cleaning up after itself.
 */
class NetworkLabTest {

    private static final LinkProfiles PROFILES = LinkProfiles.load();
    private static final Duration LIFETIME = Duration.ofMinutes(2);

    private NetworkLab lab;
    private final List<AutoCloseable> servers = new java.util.ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable server : servers) {
            server.close();
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void everyProfileTheTestsNeedIsDefinedAndTimelinesAreMadeOfPlainProfiles() {
        assertThat(PROFILES.names()).contains("none", "4g", "3g-rural", "weak-3g", "edge", "satellite", "blackout",
                "blackout-10s", "blackout-40s", "edge-to-4g", "udp-blocked");
        assertThat(PROFILES.profile("edge").up().rateKbps()).isEqualTo(60);
        assertThat(PROFILES.profile("4g").down().rateKbps()).isGreaterThan(PROFILES.profile("4g").up().rateKbps());
        assertThat(PROFILES.profile("udp-blocked").udpBlocked()).isTrue();
        assertThat(PROFILES.profile("udp-blocked").tcpOnlyToOpenPorts()).isTrue();
        List<LinkProfiles.Step> blackout = PROFILES.timeline("blackout-40s");
        assertThat(blackout).extracting(step -> step.profile().name()).containsExactly("4g", "blackout", "4g");
        assertThat(blackout.get(1).duration()).isEqualTo(Duration.ofSeconds(40));
        assertThat(blackout.get(2).duration()).isNull();
    }

    @Test
    void aBadProfileFileIsRefusedWithTheReason() {
        assertThatThrownBy(() -> LinkProfiles.parse(new StringReader("x.rate-kbps = fast")))
                .hasMessageContaining("profile x").hasMessageContaining("not a number");
        assertThatThrownBy(() -> LinkProfiles.parse(new StringReader("x.loss-percent = 120")))
                .hasMessageContaining("between 0 and 100");
        assertThatThrownBy(() -> LinkProfiles.parse(new StringReader("x.speed = 3")))
                .hasMessageContaining("unknown setting speed");
        assertThatThrownBy(() -> LinkProfiles.parse(new StringReader("a.delay-ms = 1\nt.steps = a 10s, missing")))
                .hasMessageContaining("missing");
        assertThatThrownBy(() -> LinkProfiles.parse(new StringReader("a.delay-ms = 1\na.delay-ms = 2")))
                .hasMessageContaining("given twice: a.delay-ms");
        assertThatThrownBy(() -> PROFILES.profile("blackout-10s")).hasMessageContaining("timeline");
        assertThatThrownBy(() -> PROFILES.timeline("lte")).hasMessageContaining("no link profile named lte");
    }

    @Test
    void roundTripIsTwiceTheOneWayDelay() throws Exception {
        startLab(PROFILES.profile("3g-rural"));
        int port = acceptingServer();

        Map<String, String> result = probe("tcp-connect", lab.hostAddress(), port, 9);

        assertThat(Integer.parseInt(result.get("connected"))).isGreaterThanOrEqualTo(7);
        // 150 ms each way, plus 0-20 ms of jitter each way.
        assertThat(Double.parseDouble(result.get("medianMs"))).isBetween(300.0, 350.0);
    }

    @Test
    void theBottleneckCarriesItsRateAndNoMore() throws Exception {
        LinkShape shape = new LinkShape(384, Duration.ofMillis(20), Duration.ZERO, 0, Duration.ofMillis(300));
        startLab(new LinkProfile("384k", null, shape, shape, false, false));
        int port = sendingServer();

        Map<String, String> result = probe("tcp-read", lab.hostAddress(), port, 5);

        // TCP carries a little less than the link: headers, acknowledgements and its own pacing.
        assertThat(Double.parseDouble(result.get("kbps"))).isBetween(384 * 0.8, 384 * 1.03);
    }

    @Test
    void packetsAreLostAtTheProfilesRateInEachDirection() throws Exception {
        LinkShape lossy = new LinkShape(0, Duration.ofMillis(5), Duration.ZERO, 5, Duration.ofSeconds(1));
        startLab(new LinkProfile("lossy", null, lossy, lossy, false, false));
        int port = udpEchoServer();

        Map<String, String> result = probe("udp-echo", lab.hostAddress(), port, 600, 5);

        // 5 % each way: 90.25 % come back on average; 600 datagrams keep the sample within a few points.
        double echoed = Integer.parseInt(result.get("echoed")) / 600.0;
        assertThat(echoed).isBetween(0.85, 0.95);
        assertThat(lab.up().lostPackets()).isGreaterThan(0);
        assertThat(lab.down().lostPackets()).isGreaterThan(0);
    }

    @Test
    void theFirewallProfileDropsUdpAndLetsTcpOnlyToOpenPorts() throws Exception {
        startLab(PROFILES.profile("udp-blocked"));
        int open = acceptingServer();
        int closed = acceptingServer();
        int udp = udpEchoServer();
        lab.openPorts(Set.of(open));

        assertThat(probe("tcp-connect", lab.hostAddress(), open, 3).get("connected")).isEqualTo("3");
        assertThat(probe("tcp-connect", lab.hostAddress(), closed, 1).get("connected")).isEqualTo("0");
        assertThat(probe("udp-echo", lab.hostAddress(), udp, 20, 10).get("echoed")).isEqualTo("0");
        assertThat(lab.up().filteredPackets()).isGreaterThan(0);
    }

    @Test
    void aProfileChangeTakesEffectAtOnce() throws Exception {
        startLab(PROFILES.profile("blackout"));
        int udp = udpEchoServer();
        assertThat(probe("udp-echo", lab.hostAddress(), udp, 20, 10).get("echoed")).isEqualTo("0");

        lab.apply(PROFILES.profile("4g"));

        assertThat(Integer.parseInt(probe("udp-echo", lab.hostAddress(), udp, 20, 10).get("echoed"))).isGreaterThanOrEqualTo(18);
    }

    @Test
    void theLabItselfAddsAboutAMillisecondOfRoundTrip() throws Exception {
        startLab(PROFILES.profile("none"));
        int udp = udpEchoServer();

        Map<String, String> result = probe("udp-echo", lab.hostAddress(), udp, 200, 5);

        assertThat(result.get("echoed")).isEqualTo("200");
        System.out.println("netlab overhead: udp round trip through the unshaped lab, median " + result.get("medianMs") + " ms");
        assertThat(Double.parseDouble(result.get("medianMs"))).isLessThan(5.0);
    }

    @Test
    void closingRemovesTheNamespaceItsDevicesAndWhatRanInside() throws Exception {
        startLab(PROFILES.profile("4g"));
        String namespace = lab.namespace();
        Process inside = new ProcessBuilder(lab.inLab(List.of("sleep", "60"))).start();
        Path launcher = lab.launcher(Path.of("/bin/true"));
        // Closed once the process is really inside: a busy machine can take a while to get it there.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (run("ip", "netns", "pids", namespace).isBlank() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }

        lab.close();

        assertThat(inside.waitFor(10, TimeUnit.SECONDS)).as("process inside the lab killed").isTrue();
        assertThat(run("ip", "netns", "list")).doesNotContain(namespace);
        assertThat(run("ip", "-o", "link")).doesNotContain("tlh" + lab.hostAddress().split("\\.")[2] + ":");
        assertThat(launcher).doesNotExist();
    }

    @Test
    void aLabRemovesItselfWhenItsLifetimeIsOver() throws Exception {
        lab = NetworkLab.start(PROFILES.profile("4g"), Duration.ofSeconds(2));
        String namespace = lab.namespace();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (run("ip", "netns", "list").contains(namespace) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(run("ip", "netns", "list")).doesNotContain(namespace);
    }

    private void startLab(LinkProfile profile) throws IOException {
        String reason = NetworkLab.unavailableReason();
        assumeTrue(reason == null, reason + "; skipped");
        lab = NetworkLab.start(profile, LIFETIME);
    }

    private Map<String, String> probe(String what, Object... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                LabProbe.class.getName(), what));
        for (Object arg : args) {
            command.add(String.valueOf(arg));
        }
        Process process = new ProcessBuilder(lab.inLab(command)).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("probe finished").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        Map<String, String> values = new HashMap<>();
        String last = output.lines().reduce((a, b) -> b).orElse("");
        for (String pair : last.split(" ")) {
            String[] kv = pair.split("=", 2);
            if (kv.length == 2) {
                values.put(kv[0], kv[1]);
            }
        }
        assertThat(values).as("probe output: " + output).isNotEmpty();
        return values;
    }

    private int acceptingServer() throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(lab.hostAddress(), 0));
        servers.add(server);
        daemon(() -> {
            while (!server.isClosed()) {
                try (Socket ignored = server.accept()) {
                    // accepted
                } catch (IOException e) {
                    return;
                }
            }
        });
        return server.getLocalPort();
    }

    private int sendingServer() throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(lab.hostAddress(), 0));
        servers.add(server);
        daemon(() -> {
            try (Socket socket = server.accept(); OutputStream out = socket.getOutputStream()) {
                byte[] chunk = new byte[8192];
                while (true) {
                    out.write(chunk);
                }
            } catch (IOException e) {
                // the probe is done
            }
        });
        return server.getLocalPort();
    }

    private int udpEchoServer() throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(lab.hostAddress()), 0));
        servers.add(socket);
        daemon(() -> {
            byte[] buffer = new byte[1500];
            while (!socket.isClosed()) {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(packet);
                    socket.send(new DatagramPacket(packet.getData(), packet.getLength(), packet.getSocketAddress()));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return socket.getLocalPort();
    }

    private static void daemon(Runnable body) {
        Thread thread = new Thread(body, "netlab-test-server");
        thread.setDaemon(true);
        thread.start();
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.waitFor(10, TimeUnit.SECONDS);
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
