package ma.tabiblink.scheduler.booking;

import java.time.Duration;
import java.time.Instant;
import ma.tabiblink.scheduler.ErrorCode;
import ma.tabiblink.scheduler.SchedulingException;
import ma.tabiblink.scheduler.availability.SpecialistSchedule;

/**
 * A request for the first slot of {@code specialty} that frees up between {@code from} and {@code to}
 * (optionally only with {@code preferredSpecialistId}).
 */
public record WaitlistRequest(String specialty, Instant from, Instant to, String patientRef, String dispensaryId,
                              String preferredSpecialistId) {

    private static final Duration MAX_WINDOW = Duration.ofDays(92);

    public WaitlistRequest {
        SpecialistSchedule.requireSpecialty(specialty);
        if (from == null || to == null || !from.isBefore(to) || Duration.between(from, to).compareTo(MAX_WINDOW) > 0) {
            throw new SchedulingException(ErrorCode.INVALID_RANGE,
                    "A waitlist window needs from < to, at most 92 days apart.");
        }
        BookingRequest.requirePatientRef(patientRef);
        BookingRequest.requireDispensary(dispensaryId);
        if (preferredSpecialistId != null) {
            SpecialistSchedule.requireId(preferredSpecialistId);
        }
    }

    String fingerprint() {
        return String.join("|", "waitlist", specialty, Long.toString(from.toEpochMilli()),
                Long.toString(to.toEpochMilli()), patientRef, dispensaryId,
                preferredSpecialistId == null ? "" : preferredSpecialistId);
    }
}
