package ma.tabiblink.ops.load;

import java.time.Clock;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Opens N authenticated connections that stay idle (only heartbeats), holds them, and with a server pid measures
 * the server's heap + direct memory before and after, per connection.
 */
final class IdleRun {

    private static final int TOP_CLASSES = 40;

    private final LoadOptions options;
    private final RunStats stats = new RunStats();

    IdleRun(LoadOptions options) {
        this.options = options;
    }

    String run() {
        Report report = new Report();
        report.line("== tabib idle: %d authenticated connections held %d s ==", options.idle(), options.hold().toSeconds());
        ServerMemoryProbe probe = options.serverPid() > 0 ? new ServerMemoryProbe(options.serverPid()) : null;
        ServerMemoryProbe.Snapshot before = probe == null ? null : probe.snapshot();
        TokenMinter minter = TokenMinter.fromKeyFile(options.keyFile(), Clock.systemUTC(), options.tokenLifetime());
        List<TabibNurse> nurses = new ArrayList<>();
        Map<TabibNurse, InetSocketAddress> sources = new IdentityHashMap<>();
        // Each tablet signed in before it connects: tokens are minted ahead, so the connect rate is not the minting's.
        Map<TabibNurse, String> tokens = new IdentityHashMap<>();
        for (int i = 0; i < options.idle(); i++) {
            TabibNurse nurse = new TabibNurse(Identity.nurse(options.prefix() + "-idle", i), options.specialty(),
                    options.patientRef(), stats);
            nurses.add(nurse);
            sources.put(nurse, options.sourceAddress(i));
            tokens.put(nurse, minter.mint(nurse.who));
        }
        try (WsClient client = new WsClient(options.threads())) {
            Fleet fleet = new Fleet(client, options.connectConcurrency(), options.phaseTimeout(), options.connectRate());
            Progress.say("opening " + nurses.size() + " idle connections"
                    + (options.connectRate() > 0 ? String.format(" at %.0f per s", options.connectRate()) : "")
                    + (options.sourceAddresses() > 0 ? " from " + options.sourceAddresses() + " local addresses" : ""));
            Fleet.Opened<TabibNurse> opened =
                    fleet.open(nurses, n -> options.url(), sources::get, tokens::get);
            report.line("connections: %d/%d authenticated in %.2f s (%.0f per s; paced at %s; from %s)",
                    opened.ready().size(), opened.attempted(), opened.elapsedNanos() / 1e9, opened.perSecond(),
                    options.connectRate() > 0 ? String.format("%.0f per s", options.connectRate()) : "no limit",
                    options.sourceAddresses() > 0 ? options.sourceAddresses() + " local addresses" : "one local address");
            report.value("connect_per_second", opened.perSecond());
            report.value("idle_connections", opened.ready().size());
            report.events("connection failures", opened.failures().events());
            if (probe != null && !opened.ready().isEmpty()) {
                ServerMemoryProbe.Snapshot after = probe.snapshot();
                perConnection(report, before, after, opened.ready().size());
            }
            Progress.say("holding " + opened.ready().size() + " idle connections");
            RelayRun.sleep(options.hold().toNanos());
            long stillOpen = opened.ready().stream().filter(n -> n.link.isOpen()).count();
            report.line("still open after holding: %d/%d", stillOpen, opened.ready().size());
            report.events("events", stats.events());
            List<CompletableFuture<Void>> closed = new ArrayList<>();
            for (TabibNurse nurse : nurses) {
                closed.add(nurse.leave());
            }
            Fleet.awaitAll(closed, System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
        }
        return report.toString();
    }

    private static void perConnection(Report report, ServerMemoryProbe.Snapshot before,
            ServerMemoryProbe.Snapshot after, int connections) {
        long heap = after.heapUsedBytes() - before.heapUsedBytes();
        report.line("server live heap (class histogram): %d KB before, %d KB after = %d bytes per connection",
                before.heapUsedBytes() / 1024, after.heapUsedBytes() / 1024, heap / connections);
        report.value("heap_bytes_per_connection", (double) heap / connections);
        report.line("largest growth of the live heap, per connection:");
        for (Map.Entry<String, Long> grown : ServerMemoryProbe.grownMost(before, after, TOP_CLASSES)) {
            report.line("  %8.1f B  %s", (double) grown.getValue() / connections, grown.getKey());
        }
        if (before.rssBytes() >= 0 && after.rssBytes() >= 0) {
            long rss = after.rssBytes() - before.rssBytes();
            report.line("server resident set (RSS): %d MB before, %d MB after = %d bytes per connection",
                    before.rssBytes() >> 20, after.rssBytes() >> 20, rss / connections);
            report.value("rss_bytes_per_connection", (double) rss / connections);
        }
        if (before.directBytes() < 0 || after.directBytes() < 0) {
            report.line("server direct memory: not measured (start the server with -XX:NativeMemoryTracking=summary)");
            return;
        }
        long direct = after.directBytes() - before.directBytes();
        report.line("server direct memory (NMT Other): %d KB before, %d KB after = %d bytes per connection",
                before.directBytes() / 1024, after.directBytes() / 1024, direct / connections);
        report.value("direct_bytes_per_connection", (double) direct / connections);
        report.value("memory_bytes_per_connection", (double) (heap + direct) / connections);
    }
}
