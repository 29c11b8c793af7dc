package ma.tabiblink.ops.load;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/** What happened during a run besides the relay: call setup latencies and counts of notable events. */
final class RunStats {

    final Recorder callRinging = new Recorder(3);
    final Recorder callAccepted = new Recorder(3);
    private final Map<String, LongAdder> events = new ConcurrentHashMap<>();

    void error(String code) {
        count("error " + code);
    }

    void unexpected(String what) {
        count("unexpected " + what);
    }

    void closedByServer(int code) {
        count("closed by server " + code);
    }

    void count(String event) {
        events.computeIfAbsent(event, e -> new LongAdder()).increment();
    }

    Map<String, Long> events() {
        Map<String, Long> copy = new TreeMap<>();
        events.forEach((event, n) -> copy.put(event, n.sum()));
        return copy;
    }
}
