package ma.tabiblink.web.scheduling;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import org.springframework.stereotype.Component;

import ma.tabiblink.scheduler.booking.AppointmentStatus;
import ma.tabiblink.scheduler.booking.BookingService;
import ma.tabiblink.signaling.appointment.AppointmentDirectory;
import ma.tabiblink.signaling.appointment.BookedConsultation;

/**
 * What the signalling server asks to open the call of a booked appointment ({@code call.join}): only appointments
 * that are booked or whose patient has arrived can be joined; held, cancelled, finished ones cannot.
 */
@Component
class ScheduledCallDirectory implements AppointmentDirectory {

    private static final Set<AppointmentStatus> JOINABLE = EnumSet.of(AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED);

    private final BookingService bookings;

    ScheduledCallDirectory(BookingService bookings) {
        this.bookings = bookings;
    }

    @Override
    public Optional<BookedConsultation> find(String appointmentId) {
        return bookings.find(appointmentId)
                .filter(a -> JOINABLE.contains(a.status()))
                .map(a -> new BookedConsultation(a.id(), a.dispensaryId(), a.specialistId(), a.patientRef(), a.start(),
                        a.end(), a.specialty()));
    }
}
