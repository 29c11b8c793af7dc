package ma.tabiblink.records.note;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * One version of a note as the reader may see it: {@code sections} holds only what the reader may read,
 * {@code withheld} names the sections held back (a nurse sees the care plan only).
 *
 * @param access FULL, CARE_PLAN or BREAK_GLASS
 */
public record NoteView(String noteId, int version, int latestVersion, String patientId, String consultationId,
                       String authorId, NoteStatus status, Instant createdAt, Instant signedAt, String signedBy,
                       String language, String access, Map<NoteSection, String> sections,
                       Set<NoteSection> withheld) {
}
