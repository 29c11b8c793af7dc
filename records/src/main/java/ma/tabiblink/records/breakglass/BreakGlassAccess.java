package ma.tabiblink.records.breakglass;

import java.time.Instant;

/**
 * One emergency access, as administrators review it: who read which note version of which patient, from where,
 * when and why; then who reviewed it, when, and what they concluded ({@code null} until reviewed).
 */
public record BreakGlassAccess(String id, Instant at, String actorId, String role, String from, String patientId,
                               String noteId, int version, String reason, String reviewedBy, Instant reviewedAt,
                               String reviewNote) {

    public boolean reviewed() {
        return reviewedAt != null;
    }
}
