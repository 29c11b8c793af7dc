package ma.tabiblink.web.scheduling;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import ma.tabiblink.scheduler.SchedulingException;
import ma.tabiblink.scheduler.booking.BookingService;
import ma.tabiblink.signaling.event.CallEventListener;
import ma.tabiblink.signaling.event.SignalingEvent;

/**
 * A booked consultation whose call took place is fulfilled when the call ends: nobody has to remember to mark it,
 * and the coordinator's calendar and the specialist's day show what really happened. A call that never had both
 * of them in it (a lone wait given up) changes nothing.
 */
@Component
class AppointmentsFromCalls implements CallEventListener {

    private static final Logger log = LoggerFactory.getLogger(AppointmentsFromCalls.class);

    private final BookingService bookings;

    AppointmentsFromCalls(BookingService bookings) {
        this.bookings = bookings;
    }

    @Override
    public void onEvent(SignalingEvent event) {
        if (event instanceof SignalingEvent.CallEnded ended && ended.appointmentId() != null && ended.wasActive()) {
            try {
                bookings.fulfilAfterCall(ended.appointmentId());
            } catch (SchedulingException e) {
                log.info("Appointment {} not fulfilled after its call: {}", ended.appointmentId(), e.code());
            }
        }
    }
}
