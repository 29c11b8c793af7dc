package ma.tabiblink.ops.netlab;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs the network lab by hand: {@code netlab.sh --profile edge [--open-ports 8080,8081] [--lifetime 30m] [-- cmd…]}.
 * Without a command it prints the addresses and the link's counters until the lifetime ends or it is stopped; with
 * one, it runs the command inside the lab and stops with it. Exit status: the command's, 0 without one, 2 on a bad
 * command line or an unusable machine.
 */
public final class NetLabCommand {

    static final String USAGE = """
            usage: netlab.sh --profile <name> [--open-ports <port,port…>] [--lifetime <duration>] [-- <command> …]
                   netlab.sh --list
              --profile     a profile or timeline of ops/src/main/resources/ma/tabiblink/ops/netlab/profiles.properties
              --open-ports  the host's TCP ports a firewall profile (tcp = open-ports-only) lets through
              --lifetime    the lab removes itself after this long (default 30m; e.g. 90s, 10m, 1h)
              -- command    run inside the lab (the dispensary's side), e.g. chromium or curl
            """;

    private NetLabCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        LinkProfiles profiles = LinkProfiles.load();
        String profileName = null;
        Duration lifetime = Duration.ofMinutes(30);
        Set<Integer> openPorts = new HashSet<>();
        List<String> command = List.of();
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--list" -> {
                        profiles.names().forEach(name -> out.printf("%-14s %s%n", name, profiles.description(name)));
                        return 0;
                    }
                    case "--profile" -> profileName = value(args, ++i, "--profile");
                    case "--lifetime" -> lifetime = duration(value(args, ++i, "--lifetime"));
                    case "--open-ports" -> {
                        for (String port : value(args, ++i, "--open-ports").split(",")) {
                            openPorts.add(Integer.parseInt(port.trim()));
                        }
                    }
                    case "--" -> {
                        command = new ArrayList<>(Arrays.asList(args).subList(i + 1, args.length));
                        i = args.length;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (profileName == null) {
                throw new IllegalArgumentException("--profile is required");
            }
            profiles.timeline(profileName);
        } catch (IllegalArgumentException e) {
            err.println("netlab: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        List<LinkProfiles.Step> steps = profiles.timeline(profileName);
        try (NetworkLab lab = NetworkLab.start(steps.get(0).profile(), lifetime)) {
            lab.openPorts(openPorts);
            out.println("netlab: namespace " + lab.namespace() + "; the dispensary is " + lab.labAddress()
                    + ", it reaches this machine at " + lab.hostAddress() + " (start servers listening there)");
            lab.play(steps, step -> out.println("netlab: link now " + step.profile()
                    + (step.duration() == null ? "" : " for " + step.duration().toSeconds() + " s")));
            if (command.isEmpty()) {
                return report(lab, lifetime, out);
            }
            Process process = new ProcessBuilder(lab.inLab(command)).inheritIO().start();
            return process.waitFor();
        } catch (IOException e) {
            err.println("netlab: " + e.getMessage());
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    private static int report(NetworkLab lab, Duration lifetime, PrintStream out) throws InterruptedException {
        long end = System.nanoTime() + lifetime.toNanos();
        DirectionStats up = lab.up();
        DirectionStats down = lab.down();
        while (System.nanoTime() < end) {
            Thread.sleep(10_000);
            DirectionStats upNow = lab.up();
            DirectionStats downNow = lab.down();
            out.println("netlab: up " + describe(upNow.since(up)) + " | down " + describe(downNow.since(down)));
            up = upNow;
            down = downNow;
        }
        return 0;
    }

    private static String describe(DirectionStats s) {
        return String.format("%d pkts, %.0f kbit/s delivered, %d lost, %d dropped by the queue, %d filtered",
                s.offeredPackets(), s.deliveredKbps(), s.lostPackets(), s.queueDroppedPackets(), s.filteredPackets());
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static Duration duration(String text) {
        try {
            return Duration.parse("PT" + text.toUpperCase());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a duration: " + text + " (e.g. 90s, 10m, 1h)");
        }
    }
}
