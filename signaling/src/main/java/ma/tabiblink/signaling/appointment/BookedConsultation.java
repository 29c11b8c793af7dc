package ma.tabiblink.signaling.appointment;

import java.time.Instant;
import java.util.Objects;

/**
 * A consultation booked in the scheduler, as far as the signalling server needs to know it: who may join its call,
 * about which patient, and when.
 */
public record BookedConsultation(String appointmentId, String nurseDispensaryId, String specialistId, String patientRef,
                                 Instant start, Instant end, String specialty) {

    public BookedConsultation {
        Objects.requireNonNull(appointmentId, "appointmentId");
        Objects.requireNonNull(nurseDispensaryId, "nurseDispensaryId");
        Objects.requireNonNull(specialistId, "specialistId");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(specialty, "specialty");
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("a consultation ends after it starts");
        }
    }
}
