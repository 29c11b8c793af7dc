package ma.tabiblink.web.scheduling;

import java.util.Optional;
import java.util.Set;

import org.springframework.stereotype.Component;

import ma.tabiblink.scheduler.booking.Appointment;
import ma.tabiblink.scheduler.booking.AppointmentStatus;
import ma.tabiblink.scheduler.booking.BookingService;
import ma.tabiblink.signaling.appointment.AppointmentDirectory;
import ma.tabiblink.signaling.appointment.BookedConsultation;

/**
 * Lets the signalling server open the call of a booked consultation: a booked appointment, one whose patient the
 * nurse has checked in, or one fulfilled by an earlier call, which may be called again while its slot lasts (the
 * signalling server keeps to the slot's times).
 */
@Component
class BookedAppointmentsForCalls implements AppointmentDirectory {

    private static final Set<AppointmentStatus> JOINABLE = Set.of(AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED,
            AppointmentStatus.FULFILLED);

    private final BookingService bookings;

    BookedAppointmentsForCalls(BookingService bookings) {
        this.bookings = bookings;
    }

    @Override
    public Optional<BookedConsultation> find(String appointmentId) {
        return bookings.find(appointmentId)
                .filter(a -> JOINABLE.contains(a.status()) && a.specialistId() != null && a.start() != null)
                .map(BookedAppointmentsForCalls::toConsultation);
    }

    private static BookedConsultation toConsultation(Appointment a) {
        return new BookedConsultation(a.id(), a.dispensaryId(), a.specialistId(), a.patientRef(), a.start(), a.end(),
                a.specialty());
    }
}
