package ma.tabiblink.ops.load;

import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** The text a run prints: readable lines, plus {@code key=value} lines that scripts read. */
final class Report {

    private final StringBuilder text = new StringBuilder();

    Report line(String format, Object... args) {
        text.append(String.format(Locale.ROOT, format, args)).append('\n');
        return this;
    }

    /** A machine-readable result line, e.g. {@code relayed_messages_per_second=117284}. */
    Report value(String key, double value) {
        return line("%s=%.1f", key, value);
    }

    Report latencies(String what, Histogram nanos) {
        if (nanos.getTotalCount() == 0) {
            return line("%s: no samples", what);
        }
        return line("%s: p50 %s, p99 %s, p99.9 %s, max %s (%d samples)", what,
                millis(nanos.getValueAtPercentile(50)), millis(nanos.getValueAtPercentile(99)),
                millis(nanos.getValueAtPercentile(99.9)), millis(nanos.getMaxValue()), nanos.getTotalCount());
    }

    /** Records p50/p99/p99.9 in milliseconds as result lines named {@code <prefix>_p50_ms} and so on. */
    Report latencyValues(String prefix, Histogram nanos) {
        if (nanos.getTotalCount() == 0) {
            return this;
        }
        return line("%s_p50_ms=%.3f%n%s_p99_ms=%.3f%n%s_p999_ms=%.3f", prefix, nanos.getValueAtPercentile(50) / 1e6,
                prefix, nanos.getValueAtPercentile(99) / 1e6, prefix, nanos.getValueAtPercentile(99.9) / 1e6);
    }

    Report events(String title, Map<String, Long> events) {
        if (events.isEmpty()) {
            return this;
        }
        line("%s:", title);
        events.forEach((event, count) -> line("  %s: %d", event, count));
        return this;
    }

    static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.3f ms", nanos / 1e6);
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
