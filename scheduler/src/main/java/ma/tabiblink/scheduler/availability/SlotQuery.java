package ma.tabiblink.scheduler.availability;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import ma.tabiblink.scheduler.ErrorCode;
import ma.tabiblink.scheduler.SchedulingException;

/**
 * A free-slot search: a specialty, a specialist, or both, over dates {@code from}..{@code to} inclusive (each read in
 * the specialist's own zone), at most {@code limit} results.
 */
public record SlotQuery(String specialty, String specialistId, LocalDate from, LocalDate to, int limit) {

    public static final int MAX_DAYS = 62;
    public static final int MAX_LIMIT = 1000;

    public SlotQuery {
        if (specialty == null && specialistId == null) {
            throw new SchedulingException(ErrorCode.INVALID_INPUT, "Give a specialty, a specialist, or both.");
        }
        if (specialty != null) {
            SpecialistSchedule.requireSpecialty(specialty);
        }
        if (specialistId != null) {
            SpecialistSchedule.requireId(specialistId);
        }
        if (from == null || to == null) {
            throw new SchedulingException(ErrorCode.INVALID_RANGE, "Give both dates of the range (from, to).");
        }
        if (to.isBefore(from) || ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
            throw new SchedulingException(ErrorCode.INVALID_RANGE,
                    "The range must run forward and cover at most " + MAX_DAYS + " days.");
        }
        if (limit <= 0 || limit > MAX_LIMIT) {
            limit = MAX_LIMIT;
        }
    }
}
