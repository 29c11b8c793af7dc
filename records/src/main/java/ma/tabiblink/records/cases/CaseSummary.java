package ma.tabiblink.records.cases;

import java.time.Instant;

/**
 * A case without its content: what inboxes, the nurse's list and the coordinators' board show. {@code submittedAt},
 * {@code dueAt}, {@code claimedBy} and {@code answerNoteId} are null until they happen; so are the consultation the
 * claimer booked from the case ({@code consultationAppointmentId}, {@code consultationStart}) and the time they asked
 * the nurse for a live call ({@code callRequestedAt}).
 */
public record CaseSummary(String id, String patientId, String dispensaryId, String nurseId, String specialty,
                          CaseUrgency urgency, CaseStatus status, Instant createdAt, Instant submittedAt,
                          Instant dueAt, String claimedBy, String answerNoteId, boolean overdue, int photos,
                          boolean voiceNote, String consultationAppointmentId, Instant consultationStart,
                          Instant callRequestedAt) {
}
