package ma.tabiblink.records.note;

import java.util.EnumSet;
import java.util.Set;

/** The structured sections of a consultation note plus free text. */
public enum NoteSection {
    REASON, HISTORY, FINDINGS, ASSESSMENT, PLAN, PRESCRIPTION, FOLLOW_UP, FREE_TEXT;

    /** What the dispensary nurse reads to carry out the care: plan, prescription, follow-up. */
    public static final Set<NoteSection> CARE_PLAN = EnumSet.of(PLAN, PRESCRIPTION, FOLLOW_UP);
}
