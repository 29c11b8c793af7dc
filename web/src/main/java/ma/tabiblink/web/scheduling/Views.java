package ma.tabiblink.web.scheduling;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import ma.tabiblink.scheduler.availability.Slot;
import ma.tabiblink.scheduler.booking.Appointment;
import ma.tabiblink.scheduler.booking.AppointmentStatus;
import ma.tabiblink.scheduler.booking.HistoryEntry;

/** The JSON shapes of the scheduling API's answers: instants in UTC plus the same times in the zone, for display. */
final class Views {

    private Views() {
    }

    record SlotView(String specialistId, String specialty, Instant start, Instant end, String zone,
                    String localStart, String localEnd, int capacity, int taken) {

        static SlotView of(Slot s) {
            return new SlotView(s.specialistId(), s.specialty(), s.start(), s.end(), s.zone().getId(),
                    local(s.start(), s.zone()), local(s.end(), s.zone()), s.capacity(), s.taken());
        }
    }

    record AppointmentView(String id, AppointmentStatus status, String specialistId, String specialty,
                           String dispensaryId, String patientRef, Instant start, Instant end, String zone,
                           String localStart, String localEnd, Instant holdExpiresAt,
                           Instant requestedFrom, Instant requestedTo, String preferredSpecialistId, String createdBy,
                           Instant createdAt, Instant updatedAt, long version, String statusReason,
                           List<HistoryEntry> history) {

        static AppointmentView of(Appointment a) {
            return of(a, null);
        }

        static AppointmentView of(Appointment a, List<HistoryEntry> history) {
            return new AppointmentView(a.id(), a.status(), a.specialistId(), a.specialty(), a.dispensaryId(),
                    a.patientRef(), a.start(), a.end(), a.zone().getId(), local(a.start(), a.zone()),
                    local(a.end(), a.zone()), a.holdExpiresAt(), a.requestedFrom(), a.requestedTo(),
                    a.preferredSpecialistId(), a.createdBy(), a.createdAt(), a.updatedAt(), a.version(),
                    a.statusReason(), history);
        }
    }

    /** ISO-8601 local date-time with the zone's offset at that instant, e.g. 2026-04-06T09:00+01:00. */
    private static String local(Instant instant, ZoneId zone) {
        return instant == null ? null : instant.atZone(zone).toOffsetDateTime().toString();
    }
}
