package ma.tabiblink.scheduler.availability;

import java.time.Instant;
import java.time.ZoneId;

/**
 * A bookable span of a specialist's time (FHIR Slot): instants in UTC plus the specialist's zone for display;
 * {@code taken} counts the live holds and bookings on it.
 */
public record Slot(String specialistId, String specialty, Instant start, Instant end, ZoneId zone, int capacity, int taken) {

    public boolean free() {
        return taken < capacity;
    }

    Slot withTaken(int count) {
        return new Slot(specialistId, specialty, start, end, zone, capacity, count);
    }
}
