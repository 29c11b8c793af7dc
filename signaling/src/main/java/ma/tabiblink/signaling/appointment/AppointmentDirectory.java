package ma.tabiblink.signaling.appointment;

import java.util.Optional;

/** Looks up booked consultations; the web application wires it to the scheduler. */
@FunctionalInterface
public interface AppointmentDirectory {

    /** A directory with no appointments, for nodes that only route urgent calls. */
    AppointmentDirectory NONE = appointmentId -> Optional.empty();

    Optional<BookedConsultation> find(String appointmentId);
}
