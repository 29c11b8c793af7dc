package ma.tabiblink.scheduler.booking;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;

/**
 * A consultation (FHIR Appointment). Instants are UTC; {@code zone} is the specialist's zone for display.
 * A waitlisted request has no specialist or time yet, only the requested window (and maybe a preferred specialist).
 *
 * @param holdExpiresAt   when a pending hold lapses (null unless pending)
 * @param statusReason    why it was cancelled or entered in error (null otherwise)
 */
public record Appointment(String id, AppointmentStatus status, String specialistId, String specialty,
                          String dispensaryId, String patientRef, Instant start, Instant end, ZoneId zone,
                          Instant holdExpiresAt, Instant requestedFrom, Instant requestedTo,
                          String preferredSpecialistId, String createdBy, Instant createdAt, Instant updatedAt,
                          long version, String statusReason) {

    static Appointment fromHash(Map<String, String> h) {
        AppointmentStatus status = AppointmentStatus.fromCode(h.get("status"));
        return new Appointment(h.get("id"), status, blankToNull(h.get("specialistId")), h.get("specialty"),
                h.get("dispensaryId"), h.get("patientRef"), instant(h.get("start")), instant(h.get("end")),
                ZoneId.of(h.get("zone")),
                status == AppointmentStatus.PENDING ? instant(h.get("holdExpiresAt")) : null,
                instant(h.get("requestedFrom")), instant(h.get("requestedTo")),
                blankToNull(h.get("preferredSpecialistId")), h.get("createdBy"), instant(h.get("createdAt")),
                instant(h.get("updatedAt")), Long.parseLong(h.get("version")), blankToNull(h.get("statusReason")));
    }

    private static Instant instant(String epochMillis) {
        if (epochMillis == null || epochMillis.isEmpty() || epochMillis.equals("0")) {
            return null;
        }
        return Instant.ofEpochMilli(Long.parseLong(epochMillis));
    }

    private static String blankToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
