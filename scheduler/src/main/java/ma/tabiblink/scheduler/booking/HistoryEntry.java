package ma.tabiblink.scheduler.booking;

import java.time.Instant;

/** One change of an appointment: who, when, what (status before and after, and a detail such as a reason). */
public record HistoryEntry(Instant at, String actorId, String actorRole, String action, String fromStatus,
                           String toStatus, String detail) {
}
