package ma.tabiblink.scheduler.booking;

import java.time.Instant;
import ma.tabiblink.scheduler.Actor;

/** Something the coordinators' live board wants to know, with the appointment as it is after the change. */
public record BookingEvent(Type type, Appointment appointment, Actor actor, Instant at) {

    public enum Type {
        HELD, BOOKED, CONFIRMED, RESCHEDULED, CANCELLED, HOLD_EXPIRED, CHECKED_IN, FULFILLED, NO_SHOW,
        ENTERED_IN_ERROR, WAITLISTED, WAITLIST_PROMOTED
    }
}
