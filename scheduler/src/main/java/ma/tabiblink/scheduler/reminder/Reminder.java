package ma.tabiblink.scheduler.reminder;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * A reminder to deliver. {@code id} is stable across retries and workers: receivers use it to drop duplicates.
 * {@code late} is set when the reminder goes out noticeably after its due time (e.g. after downtime), with
 * {@code lateBy} saying how much, so nobody mistakes it for an on-time reminder.
 */
public record Reminder(String id, String appointmentId, Duration offset, Instant dueAt, Instant appointmentStart,
                       Instant appointmentEnd, ZoneId zone, String specialistId, String specialty,
                       String dispensaryId, String patientRef, boolean late, Duration lateBy) {

    public ZonedDateTime localStart() {
        return appointmentStart.atZone(zone);
    }
}
