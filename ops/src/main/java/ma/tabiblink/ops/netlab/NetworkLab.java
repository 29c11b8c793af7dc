package ma.tabiblink.ops.netlab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A dispensary's network on this machine: a network namespace whose only way out is a TUN device, joined by a
 * userspace link emulator ({@link LinkDirection}, one per direction) to a TUN device on the host. A program run in
 * the namespace (the nurse's browser) reaches the host, and nothing else, at {@link #hostAddress()}; the host
 * reaches it at {@link #labAddress()}; every packet between them goes through the emulated link.
 *
 * <p>Needs root (network namespaces, {@code /dev/net/tun}) and iproute2. Bounded: the lab closes itself after its
 * lifetime, and a lab whose process died is removed by the next one started. Closing it kills what still runs in the
 * namespace and removes the namespace; the TUN devices disappear with their file descriptors.
 */
public final class NetworkLab implements AutoCloseable {

    private static final String NAMESPACE_PREFIX = "tabib-lab-";
    private static final Pattern OUR_NAMESPACE = Pattern.compile(NAMESPACE_PREFIX + "(\\d+)-(\\d+)");
    private static final String SUBNET_PREFIX = "10.213.";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final String namespace;
    private final String hostAddress;
    private final String labAddress;
    private final Tun hostTun;
    private final Tun labTun;
    private final LinkDirection up;
    private final LinkDirection down;
    private final List<Path> launchers = new ArrayList<>();
    private final Thread watchdog;
    private final Thread shutdownHook;
    private volatile PacketFilter filter;
    private volatile LinkProfile profile;
    private volatile Thread timeline;
    private volatile boolean closed;

    private NetworkLab(String namespace, int subnet, Tun hostTun, Tun labTun, LinkProfile profile, Duration lifetime) {
        this.namespace = namespace;
        this.hostAddress = SUBNET_PREFIX + subnet + ".1";
        this.labAddress = SUBNET_PREFIX + subnet + ".2";
        this.hostTun = hostTun;
        this.labTun = labTun;
        this.profile = profile;
        this.filter = new PacketFilter(ipv4(hostAddress), ipv4(labAddress), false, false, Set.of()).with(profile);
        long seed = System.nanoTime();
        this.up = new LinkDirection("up", true, labTun, hostTun, profile.up(), filter, seed);
        this.down = new LinkDirection("down", false, hostTun, labTun, profile.down(), filter, seed + 1);
        this.watchdog = new Thread(() -> {
            try {
                Thread.sleep(lifetime.toMillis());
                System.err.println("netlab: lifetime of " + lifetime + " reached, closing " + namespace);
                close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "netlab-watchdog");
        this.watchdog.setDaemon(true);
        this.shutdownHook = new Thread(this::close, "netlab-cleanup");
    }

    /** Why a lab cannot run here, or null when it can. */
    public static String unavailableReason() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "the network lab needs root (network namespaces and TUN devices)";
        }
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            return "the network lab needs /dev/net/tun";
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/sbin/ip"))
                && !Files.isExecutable(Path.of("/usr/bin/ip"))) {
            return "the network lab needs iproute2's ip command";
        }
        return null;
    }

    /** Creates the namespace, the devices and the link, shaped by {@code profile}, for at most {@code lifetime}. */
    public static NetworkLab start(LinkProfile profile, Duration lifetime) throws IOException {
        String reason = unavailableReason();
        if (reason != null) {
            throw new IOException(reason);
        }
        removeAbandonedLabs();
        int subnet = freeSubnet();
        String id = ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
        String namespace = NAMESPACE_PREFIX + id;
        String hostDevice = "tlh" + subnet;
        String labDevice = "tll" + subnet;
        run("ip", "netns", "add", namespace);
        Tun hostTun = null;
        Tun labTun = null;
        try {
            hostTun = Tun.open(hostDevice);
            labTun = Tun.open(labDevice);
            NetworkLab lab = new NetworkLab(namespace, subnet, hostTun, labTun, profile, lifetime);
            // A TUN device keeps its file descriptor when moved: the emulator reads it from here, the namespace uses it.
            run("ip", "link", "set", labDevice, "netns", namespace);
            run("ip", "addr", "add", lab.hostAddress, "peer", lab.labAddress, "dev", hostDevice);
            run("ip", "link", "set", hostDevice, "up");
            run("ip", "-n", namespace, "link", "set", "lo", "up");
            run("ip", "-n", namespace, "addr", "add", lab.labAddress, "peer", lab.hostAddress, "dev", labDevice);
            run("ip", "-n", namespace, "link", "set", labDevice, "up");
            lab.up.start();
            lab.down.start();
            lab.watchdog.start();
            Runtime.getRuntime().addShutdownHook(lab.shutdownHook);
            return lab;
        } catch (IOException | RuntimeException e) {
            if (labTun != null) {
                labTun.close();
            }
            if (hostTun != null) {
                hostTun.close();
            }
            runQuietly("ip", "netns", "del", namespace);
            throw e;
        }
    }

    public String namespace() {
        return namespace;
    }

    /** The host's address as seen from the lab: where the servers listen for the dispensary. */
    public String hostAddress() {
        return hostAddress;
    }

    /** The dispensary's address. */
    public String labAddress() {
        return labAddress;
    }

    public LinkProfile profile() {
        return profile;
    }

    /** Changes the link at once (packets already in flight keep their times). */
    public void apply(LinkProfile newProfile) {
        profile = newProfile;
        filter = filter.with(newProfile);
        up.filter(filter);
        down.filter(filter);
        up.shape(newProfile.up());
        down.shape(newProfile.down());
    }

    /** Plays a timeline in the background: each step's profile, for its duration; {@code onStep} hears each change. */
    public void play(List<LinkProfiles.Step> steps, Consumer<LinkProfiles.Step> onStep) {
        Thread player = new Thread(() -> {
            try {
                for (LinkProfiles.Step step : steps) {
                    apply(step.profile());
                    onStep.accept(step);
                    if (step.duration() == null) {
                        return;
                    }
                    Thread.sleep(step.duration().toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "netlab-timeline");
        player.setDaemon(true);
        Thread previous = timeline;
        if (previous != null) {
            previous.interrupt();
        }
        timeline = player;
        player.start();
    }

    /** The host's TCP ports a profile with {@code tcp = open-ports-only} lets through. */
    public void openPorts(Set<Integer> ports) {
        filter = filter.withOpenPorts(ports);
        up.filter(filter);
        down.filter(filter);
    }

    /** From the dispensary towards the host. */
    public DirectionStats up() {
        return up.stats();
    }

    /** From the host towards the dispensary. */
    public DirectionStats down() {
        return down.stats();
    }

    /** The command line that runs {@code argv} inside the lab. */
    public List<String> inLab(List<String> argv) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        command.addAll(argv);
        return command;
    }

    /**
     * Writes an executable script that runs {@code executable} inside the lab with the arguments it is given: for
     * tools that start a program themselves (a WebDriver starting the browser). Removed when the lab closes.
     */
    public Path launcher(Path executable) {
        try {
            Path script = Files.createTempFile("tabib-netlab-", ".sh",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.writeString(script, "#!/bin/sh\nexec ip netns exec " + namespace + " " + executable + " \"$@\"\n",
                    StandardCharsets.US_ASCII);
            launchers.add(script);
            return script;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        Thread player = timeline;
        if (player != null) {
            player.interrupt();
        }
        if (Thread.currentThread() != watchdog) {
            watchdog.interrupt();
        }
        killEverythingInside();
        up.stop();
        down.stop();
        up.awaitStopped();
        down.awaitStopped();
        labTun.close();
        hostTun.close();
        runQuietly("ip", "netns", "del", namespace);
        launchers.forEach(path -> path.toFile().delete());
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // Closing from the hook itself.
        }
    }

    /** The emulator's first failure (a device read or write), or null. */
    public IOException failure() {
        return up.failure() != null ? up.failure() : down.failure();
    }

    private void killEverythingInside() {
        try {
            String pids = run("ip", "netns", "pids", namespace);
            for (String pid : pids.split("\\s+")) {
                if (!pid.isBlank()) {
                    ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        } catch (IOException | RuntimeException e) {
            // The namespace is removed below either way; its processes lose their only link.
        }
    }

    private static void removeAbandonedLabs() throws IOException {
        for (String line : run("ip", "netns", "list").split("\n")) {
            Matcher m = OUR_NAMESPACE.matcher(line.trim().split("\\s+")[0]);
            if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                String abandoned = m.group(0);
                try {
                    for (String pid : run("ip", "netns", "pids", abandoned).split("\\s+")) {
                        if (!pid.isBlank()) {
                            ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(ProcessHandle::destroyForcibly);
                        }
                    }
                } finally {
                    runQuietly("ip", "netns", "del", abandoned);
                }
            }
        }
    }

    private static synchronized int freeSubnet() throws IOException {
        String addresses = run("ip", "-4", "-o", "addr", "show");
        int start = (int) (ProcessHandle.current().pid() % 200);
        for (int i = 0; i < 250; i++) {
            int candidate = (start + SEQUENCE.get() + i) % 250 + 1;
            if (!addresses.contains(SUBNET_PREFIX + candidate + ".")) {
                return candidate;
            }
        }
        throw new IOException("no free 10.213.x.0/30 subnet for a lab");
    }

    private static int ipv4(String address) {
        String[] parts = address.split("\\.");
        return Integer.parseInt(parts[0]) << 24 | Integer.parseInt(parts[1]) << 16
                | Integer.parseInt(parts[2]) << 8 | Integer.parseInt(parts[3]);
    }

    private static String run(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within " + COMMAND_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while running " + String.join(" ", command), e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + process.exitValue() + "): " + output.trim());
        }
        return output;
    }

    private static void runQuietly(String... command) {
        try {
            run(command);
        } catch (IOException e) {
            System.err.println("netlab: " + e.getMessage());
        }
    }
}
