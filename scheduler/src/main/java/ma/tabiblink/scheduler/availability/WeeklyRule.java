package ma.tabiblink.scheduler.availability;

import java.time.DayOfWeek;
import java.time.LocalTime;
import ma.tabiblink.scheduler.ErrorCode;
import ma.tabiblink.scheduler.SchedulingException;

/** Recurring clinic hours: every {@code day}, from {@code start} to {@code end} local time in the schedule's zone. */
public record WeeklyRule(DayOfWeek day, LocalTime start, LocalTime end) {

    public WeeklyRule {
        if (day == null) {
            throw new SchedulingException(ErrorCode.INVALID_SCHEDULE, "A weekly rule needs a day.");
        }
        new TimeWindow(start, end);
    }

    TimeWindow window() {
        return new TimeWindow(start, end);
    }
}
