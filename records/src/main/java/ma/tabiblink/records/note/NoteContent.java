package ma.tabiblink.records.note;

import java.util.EnumMap;
import java.util.Map;

/** What the specialist writes. Any section may be null; at least one must hold text. {@code language} is a tag (fr, ar). */
public record NoteContent(String reason, String history, String findings, String assessment, String plan,
                          String prescription, String followUp, String freeText, String language) {

    public Map<NoteSection, String> sections() {
        Map<NoteSection, String> m = new EnumMap<>(NoteSection.class);
        put(m, NoteSection.REASON, reason);
        put(m, NoteSection.HISTORY, history);
        put(m, NoteSection.FINDINGS, findings);
        put(m, NoteSection.ASSESSMENT, assessment);
        put(m, NoteSection.PLAN, plan);
        put(m, NoteSection.PRESCRIPTION, prescription);
        put(m, NoteSection.FOLLOW_UP, followUp);
        put(m, NoteSection.FREE_TEXT, freeText);
        return m;
    }

    private static void put(Map<NoteSection, String> m, NoteSection s, String v) {
        if (v != null && !v.isBlank()) {
            m.put(s, v);
        }
    }
}
