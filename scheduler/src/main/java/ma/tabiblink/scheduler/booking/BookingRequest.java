package ma.tabiblink.scheduler.booking;

import java.time.Instant;
import java.util.regex.Pattern;
import ma.tabiblink.scheduler.ErrorCode;
import ma.tabiblink.scheduler.SchedulingException;
import ma.tabiblink.scheduler.availability.SpecialistSchedule;

/** A request to hold or book the slot of {@code specialistId} for {@code specialty} starting at {@code start}. */
public record BookingRequest(String specialistId, String specialty, Instant start, String patientRef,
                             String dispensaryId) {

    private static final Pattern REF = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public BookingRequest {
        SpecialistSchedule.requireId(specialistId);
        SpecialistSchedule.requireSpecialty(specialty);
        if (start == null) {
            throw new SchedulingException(ErrorCode.INVALID_DATE, "Give the slot's start as an ISO-8601 instant.");
        }
        requirePatientRef(patientRef);
        requireDispensary(dispensaryId);
    }

    static void requirePatientRef(String patientRef) {
        if (patientRef == null || !REF.matcher(patientRef).matches()) {
            throw new SchedulingException(ErrorCode.INVALID_PATIENT_REF,
                    "A patient reference is 1–64 letters, digits, '.', '_' or '-'.");
        }
    }

    static void requireDispensary(String dispensaryId) {
        if (dispensaryId == null || !REF.matcher(dispensaryId).matches()) {
            throw new SchedulingException(ErrorCode.INVALID_INPUT,
                    "A dispensary id is 1–64 letters, digits, '.', '_' or '-'.");
        }
    }

    String fingerprint(String mode) {
        return String.join("|", mode, specialistId, specialty, Long.toString(start.toEpochMilli()), patientRef,
                dispensaryId);
    }
}
