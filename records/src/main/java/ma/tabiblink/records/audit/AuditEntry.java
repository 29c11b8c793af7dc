package ma.tabiblink.records.audit;

import java.time.Instant;

/**
 * One entry of the audit log: who (user id, role), when, what (action on an entity, outcome), from where, and the
 * chain fields: {@code seq} (1, 2, 3, ...), {@code prev} (the previous entry's hash) and {@code hash} (MAC of all of it).
 */
public record AuditEntry(String streamId, long seq, Instant at, String actorId, String role, String from,
                         AuditAction action, AuditOutcome outcome, String entityType, String entityId,
                         String patientId, String detail, String prev, String hash) {
}
