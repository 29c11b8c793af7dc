package ma.tabiblink.scheduler.calendar;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import ma.tabiblink.scheduler.availability.AvailabilityStore;
import ma.tabiblink.scheduler.availability.SpecialistSchedule;
import ma.tabiblink.scheduler.booking.Appointment;
import ma.tabiblink.scheduler.booking.BookingService;

/**
 * A specialist's consultations as an iCalendar (RFC 5545) feed, with times in the specialist's zone and a VTIMEZONE
 * built from the zone rules, so calendar apps show a 09:00 consultation at 09:00 on both sides of a clock change.
 * Patients appear only as their opaque reference, never by name.
 */
public final class CalendarFeed {

    private final AvailabilityStore availability;
    private final BookingService bookings;
    private final Clock clock;

    public CalendarFeed(AvailabilityStore availability, BookingService bookings, Clock clock) {
        this.availability = availability;
        this.bookings = bookings;
        this.clock = clock;
    }

    /** Consultations of {@code specialistId} starting in [{@code from}, {@code to}). */
    public String specialistCalendar(String specialistId, Instant from, Instant to) {
        SpecialistSchedule schedule = availability.require(specialistId);
        ZoneId zone = schedule.zone();
        ICalendarWriter ics = new ICalendarWriter()
                .line("BEGIN", "VCALENDAR")
                .line("VERSION", "2.0")
                .line("PRODID", "-//Tabib Link//Scheduler//EN")
                .line("CALSCALE", "GREGORIAN")
                .line("METHOD", "PUBLISH")
                .text("X-WR-CALNAME", "Tabib Link – " + specialistId)
                .line("X-WR-TIMEZONE", zone.getId())
                .timezone(zone, from, to);
        Instant stamp = clock.instant();
        for (Appointment a : bookings.forSpecialist(specialistId, from, to)) {
            String status = switch (a.status()) {
                case PENDING -> "TENTATIVE";
                case BOOKED, ARRIVED, FULFILLED -> "CONFIRMED";
                case CANCELLED, NOSHOW -> "CANCELLED";
                default -> null;
            };
            if (status == null) {
                continue;
            }
            ics.line("BEGIN", "VEVENT")
                    .text("UID", a.id() + "@tabib-link")
                    .utc("DTSTAMP", stamp)
                    .zoned("DTSTART", a.start(), zone)
                    .zoned("DTEND", a.end(), zone)
                    .text("SUMMARY", "Téléconsultation " + a.specialty() + " – " + a.dispensaryId())
                    .text("DESCRIPTION", "Appointment " + a.id() + "\nDispensary: " + a.dispensaryId()
                            + "\nPatient ref: " + a.patientRef() + "\nStatus: " + a.status().code())
                    .line("STATUS", status)
                    .line("SEQUENCE", Long.toString(a.version() - 1))
                    .utc("LAST-MODIFIED", a.updatedAt())
                    .line("END", "VEVENT");
        }
        return ics.line("END", "VCALENDAR").build();
    }
}
