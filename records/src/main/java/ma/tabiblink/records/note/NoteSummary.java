package ma.tabiblink.records.note;

import java.time.Instant;

/** A note's metadata, without content. */
public record NoteSummary(String noteId, String patientId, String consultationId, String authorId,
                          int latestVersion, NoteStatus latestStatus, Instant createdAt) {
}
