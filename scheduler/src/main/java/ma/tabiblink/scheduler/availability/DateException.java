package ma.tabiblink.scheduler.availability;

import java.time.LocalDate;
import java.util.List;
import ma.tabiblink.scheduler.ErrorCode;
import ma.tabiblink.scheduler.SchedulingException;

/**
 * Overrides the weekly rules on one date: no hours means closed (leave, public holiday); hours replace that day's
 * weekly hours (an extra clinic day, shortened hours).
 */
public record DateException(LocalDate date, List<TimeWindow> hours, String reason) {

    public DateException {
        if (date == null) {
            throw new SchedulingException(ErrorCode.INVALID_SCHEDULE, "A date exception needs a date.");
        }
        hours = hours == null ? List.of() : List.copyOf(hours);
        SpecialistSchedule.requireDisjoint(hours, date.toString());
        if (reason != null && reason.length() > 200) {
            throw new SchedulingException(ErrorCode.INVALID_SCHEDULE, "A date exception's reason is at most 200 characters.");
        }
    }

    public boolean closed() {
        return hours.isEmpty();
    }
}
