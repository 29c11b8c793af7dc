package ma.tabiblink.web.scheduling;

import java.time.Clock;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import ma.tabiblink.scheduler.booking.Appointment;
import ma.tabiblink.scheduler.booking.AppointmentStatus;
import ma.tabiblink.scheduler.booking.BookingService;
import ma.tabiblink.web.board.BoardContributor;
import ma.tabiblink.web.config.TabibSettings;

/** The live board's "bookings" section: today's consultations (no patient references) and counts by status. */
@Component
class BookingsBoardSection implements BoardContributor {

    record BoardBooking(String id, AppointmentStatus status, String specialistId, String specialty,
                        String dispensaryId, String start, String end) {
    }

    private final BookingService bookings;
    private final TabibSettings settings;
    private final Clock clock;

    BookingsBoardSection(BookingService bookings, TabibSettings settings, Clock clock) {
        this.bookings = bookings;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public String section() {
        return "bookings";
    }

    @Override
    public Object snapshot() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), settings.zone());
        List<Appointment> appointments = bookings.onDate(today, settings.zone());
        Map<AppointmentStatus, Integer> counts = new EnumMap<>(AppointmentStatus.class);
        appointments.forEach(a -> counts.merge(a.status(), 1, Integer::sum));
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("date", today.toString());
        Map<String, Integer> byStatus = new LinkedHashMap<>();
        counts.forEach((status, count) -> byStatus.put(status.code(), count));
        section.put("counts", byStatus);
        section.put("appointments", appointments.stream().map(a -> new BoardBooking(a.id(), a.status(),
                a.specialistId(), a.specialty(), a.dispensaryId(),
                a.start().atZone(a.zone()).toOffsetDateTime().toString(),
                a.end().atZone(a.zone()).toOffsetDateTime().toString())).toList());
        return section;
    }
}
