package ma.tabiblink.scheduler.availability;

import java.time.LocalTime;
import ma.tabiblink.scheduler.ErrorCode;
import ma.tabiblink.scheduler.SchedulingException;

/** A span of local wall-clock time within one day, start inclusive, end exclusive. */
public record TimeWindow(LocalTime start, LocalTime end) {

    public TimeWindow {
        if (start == null || end == null || !start.isBefore(end)) {
            throw new SchedulingException(ErrorCode.INVALID_SCHEDULE,
                    "A time window needs a start before its end (got " + start + "–" + end + ").");
        }
    }

    boolean overlaps(TimeWindow other) {
        return start.isBefore(other.end) && other.start.isBefore(end);
    }
}
