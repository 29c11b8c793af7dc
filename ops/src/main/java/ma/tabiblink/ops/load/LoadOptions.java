package ma.tabiblink.ops.load;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Command line of the load generator; {@code --name=value} or {@code --name value}. */
record LoadOptions(
        Target target,
        URI url,
        Path keyFile,
        Scenario scenario,
        int connections,
        Duration warmup,
        Duration duration,
        double rate,
        int slowConsumers,
        double slowRate,
        String slowSpecialty,
        int idle,
        Duration hold,
        long serverPid,
        double callsPerSecond,
        int pool,
        Duration callHold,
        int threads,
        int connectConcurrency,
        String specialty,
        String prefix,
        Duration phaseTimeout,
        URI failoverUrl,
        double memberRate,
        Path readyFile,
        Duration inFlight,
        String patientRef,
        int specialties,
        Duration burst,
        int sourceAddresses,
        double connectRate) {

    enum Target { TABIB, WS_PAIR }

    /** 127.1.0.1 upwards, within 127.0.0.0/8. */
    static final int MAX_SOURCE_ADDRESSES = 65_000;

    /** The local address the {@code index}-th connection binds to, or null when not spreading sources. */
    InetSocketAddress sourceAddress(int index) {
        if (sourceAddresses == 0) {
            return null;
        }
        int n = 1 + index % sourceAddresses;
        byte[] address = {127, 1, (byte) (n >> 8), (byte) n};
        try {
            return new InetSocketAddress(InetAddress.getByAddress(address), 0);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an address", e);
        }
    }

    /**
     * How long minted tokens must live: the server never refreshes them (they belong to no sign-in), so they outlast
     * every phase of the run.
     */
    Duration tokenLifetime() {
        return warmup.plus(duration).plus(hold).plus(callHold).plus(phaseTimeout.multipliedBy(4))
                .plus(Duration.ofMinutes(5));
    }

    enum Scenario { RELAY, IDLE, CALLS, NODE_KILL, BURST }

    static final String USAGE = """
            usage: java -jar tabib-load.jar [options]
              --target=tabib|ws-pair       server under test (default tabib)
              --url=ws://127.0.0.1:8081/signal
              --key-file=PATH              the server's access-token.jwk (tabib only)
            relay scenario (default):
              --connections=1000           connections, in pairs (nurse + specialist for tabib)
              --warmup=5 --duration=20     seconds
              --rate=0                     relayed messages per second in total; 0 = closed loop, as fast as possible
              --slow-consumers=0           tabib: that many more calls whose specialists stop reading while their
                                           nurses send --slow-rate=2000 relay messages/s each (--slow-specialty=dermatology)
            idle scenario:
              --idle=N                     open N authenticated idle connections and hold them
              --hold=30                    seconds to hold them
              --server-pid=PID             server JVM to measure (heap + direct + RSS) before and after, with jcmd
              --source-addresses=0         connect from that many local addresses 127.1.0.1, 127.1.0.2, … in turn
                                           (each has its own ephemeral ports: past ~28,000 connections to one
                                           server port); 0 = the kernel's choice
              --connect-rate=0             new connections per second at most; 0 = as fast as
                                           --connect-concurrency allows
            call setup scenario:
              --calls-per-second=100       new urgent calls per second, for --warmup seconds not measured, then
                                           --duration seconds measured
              --pool=400                   nurses and as many specialists
              --call-hold-ms=2000          how long each call lasts once set up
            node-kill scenario (--scenario=node-kill, with ops/scripts/fault-node-kill.sh):
              --url=ws://A/signal          node A, the one to be killed
              --failover-url=ws://B/signal node B; members on A reconnect here and resume
              --connections=100            members, in nurse/specialist pairs spread over A and B
              --member-rate=10             numbered relay messages per second from each member
              --warmup=3                   seconds of relay before --ready-file is written (kill A then)
              --duration=5                 seconds of relay after every member resumed
              --ready-file=PATH            created once relaying, when node A may be killed
              --in-flight-ms=500           a message lost that was sent this close to the crash counts as in
                                           flight inside the killed node, not as lost
            burst scenario (--scenario=burst, with ops/scripts/bench-burst.sh):
              --pool=500                   specialists, all available, and as many nurses
              --specialties=7              the specialists and the nurses' calls are spread over that many specialties
              --burst-ms=100               every nurse requests an urgent call within that window; each specialist
                                           accepts the call rung to her
            common:
              --threads=2                  client event loop threads
              --connect-concurrency=256    WebSocket handshakes in flight at most
              --specialty=cardiology --prefix=load --phase-timeout=60
              --patient-ref=pat-…          tabib: the patient every urgent call is about; a server with patient
                                           records refuses calls about unknown patients, so give one of the nurses'
                                           dispensary (disp-tinghir) who consented (default: made-up references)
            """;

    private static final Set<String> NAMES = Set.of("target", "url", "key-file", "connections", "warmup", "duration",
            "rate", "slow-consumers", "slow-rate", "slow-specialty", "idle", "hold", "server-pid", "calls-per-second", "pool", "call-hold-ms", "threads",
            "connect-concurrency", "specialty", "prefix", "phase-timeout", "scenario", "failover-url",
            "member-rate", "ready-file", "in-flight-ms", "patient-ref", "specialties", "burst-ms",
            "source-addresses", "connect-rate");

    static LoadOptions parse(String... args) {
        Map<String, String> given = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw bad("unexpected argument '" + arg + "'");
            }
            String name;
            String value;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(2, eq);
                value = arg.substring(eq + 1);
            } else {
                name = arg.substring(2);
                if (i + 1 >= args.length) {
                    throw bad("--" + name + " needs a value");
                }
                value = args[++i];
            }
            if (!NAMES.contains(name)) {
                throw bad("unknown option --" + name);
            }
            given.put(name, value);
        }
        Target target = switch (given.getOrDefault("target", "tabib")) {
            case "tabib" -> Target.TABIB;
            case "ws-pair" -> Target.WS_PAIR;
            default -> throw bad("--target must be tabib or ws-pair");
        };
        URI url = url(given.getOrDefault("url", target == Target.TABIB ? "ws://127.0.0.1:8081/signal"
                : "ws://127.0.0.1:8091/"));
        Path keyFile = given.containsKey("key-file") ? Path.of(given.get("key-file")) : null;
        if (target == Target.TABIB && keyFile == null) {
            throw bad("--key-file is required with --target=tabib (the server's <dataDir>/keys/access-token.jwk)");
        }
        int idle = integer(given, "idle", 0, 0, 1_000_000);
        double callsPerSecond = decimal(given, "calls-per-second", 0, 0, 100_000);
        if (idle > 0 && callsPerSecond > 0) {
            throw bad("--idle and --calls-per-second are different scenarios; give one");
        }
        Scenario scenario = idle > 0 ? Scenario.IDLE : callsPerSecond > 0 ? Scenario.CALLS : Scenario.RELAY;
        if (given.containsKey("scenario")) {
            Scenario named = switch (given.get("scenario")) {
                case "node-kill" -> Scenario.NODE_KILL;
                case "burst" -> Scenario.BURST;
                default -> throw bad("--scenario must be node-kill or burst (the others follow from --idle and"
                        + " --calls-per-second)");
            };
            if (scenario != Scenario.RELAY) {
                throw bad("--scenario=" + given.get("scenario")
                        + " is a scenario of its own; leave out --idle and --calls-per-second");
            }
            scenario = named;
        }
        if (scenario != Scenario.RELAY && target != Target.TABIB) {
            throw bad("--idle, --calls-per-second and --scenario=node-kill or burst need --target=tabib");
        }
        URI failoverUrl = given.containsKey("failover-url") ? url(given.get("failover-url")) : null;
        if (scenario == Scenario.NODE_KILL && failoverUrl == null) {
            throw bad("--scenario=node-kill needs --failover-url (node B, where clients of node A resume)");
        }
        boolean nodeKill = scenario == Scenario.NODE_KILL;
        int connections = integer(given, "connections", nodeKill ? 100 : 1000, 2, 1_000_000);
        if (connections % 2 != 0) {
            throw bad("--connections must be even (they go in pairs)");
        }
        int slowConsumers = integer(given, "slow-consumers", 0, 0, 100_000);
        String specialty = given.getOrDefault("specialty", "cardiology");
        String slowSpecialty = given.getOrDefault("slow-specialty", "dermatology");
        if (slowConsumers > 0 && (target != Target.TABIB || slowSpecialty.equals(specialty))) {
            throw bad("--slow-consumers needs --target=tabib and a --slow-specialty other than --specialty");
        }
        return new LoadOptions(target, url, keyFile, scenario, connections,
                Duration.ofSeconds(integer(given, "warmup", nodeKill ? 3 : 5, 0, 3600)),
                Duration.ofSeconds(integer(given, "duration", nodeKill ? 5 : 20, 1, 24 * 3600)),
                decimal(given, "rate", 0, 0, 10_000_000),
                slowConsumers,
                decimal(given, "slow-rate", 2000, 1, 1_000_000),
                slowSpecialty,
                idle,
                Duration.ofSeconds(integer(given, "hold", 30, 0, 24 * 3600)),
                integer(given, "server-pid", 0, 0, Integer.MAX_VALUE),
                callsPerSecond,
                integer(given, "pool", scenario == Scenario.BURST ? 500 : 400, 1, 1_000_000),
                Duration.ofMillis(integer(given, "call-hold-ms", 2000, 0, 3_600_000)),
                integer(given, "threads", 2, 1, 256),
                integer(given, "connect-concurrency", 256, 1, 100_000),
                specialty,
                given.getOrDefault("prefix", "load"),
                Duration.ofSeconds(integer(given, "phase-timeout", 60, 1, 3600)),
                failoverUrl,
                decimal(given, "member-rate", 10, 0.1, 1000),
                given.containsKey("ready-file") ? Path.of(given.get("ready-file")) : null,
                Duration.ofMillis(integer(given, "in-flight-ms", 500, 0, 60_000)),
                patientRef(given.get("patient-ref")),
                integer(given, "specialties", 7, 1, BurstRun.SPECIALTIES.size()),
                Duration.ofMillis(integer(given, "burst-ms", 100, 0, 60_000)),
                integer(given, "source-addresses", 0, 0, MAX_SOURCE_ADDRESSES),
                decimal(given, "connect-rate", 0, 0, 1_000_000));
    }

    private static String patientRef(String text) {
        if (text != null && !text.matches("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")) {
            throw bad("--patient-ref must be a patient id such as pat-0123…, not '" + text + "'");
        }
        return text;
    }

    private static URI url(String text) {
        URI uri;
        try {
            uri = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw bad("--url is not a URL: " + text);
        }
        if (!"ws".equals(uri.getScheme()) || uri.getHost() == null) {
            throw bad("--url must be a ws:// URL with a host, e.g. ws://127.0.0.1:8081/signal");
        }
        return uri;
    }

    private static int integer(Map<String, String> given, String name, int fallback, int min, int max) {
        String text = given.get(name);
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value < min || value > max) {
                throw bad("--" + name + " must be between " + min + " and " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw bad("--" + name + " must be a whole number, not '" + text + "'");
        }
    }

    private static double decimal(Map<String, String> given, String name, double fallback, double min, double max) {
        String text = given.get(name);
        if (text == null) {
            return fallback;
        }
        try {
            double value = Double.parseDouble(text.trim());
            if (!(value >= min && value <= max)) {
                throw bad("--" + name + " must be between " + min + " and " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw bad("--" + name + " must be a number, not '" + text + "'");
        }
    }

    private static LoadException bad(String message) {
        return new LoadException("BAD_OPTION", message);
    }
}
