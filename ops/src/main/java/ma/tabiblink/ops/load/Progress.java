package ma.tabiblink.ops.load;

import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/** Phase changes of a run, on standard error as they happen (the report itself goes to standard output). */
final class Progress {

    private Progress() {
    }

    static void say(String what) {
        System.err.println("[" + LocalTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS) + "] " + what);
    }
}
