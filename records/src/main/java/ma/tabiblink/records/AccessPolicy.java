package ma.tabiblink.records;

/**
 * The access matrix, enforced by every service of the module before anything is read or written
 * (the table is in records/README.md). Decisions only; callers audit and throw.
 *
 * <ul>
 *   <li>NURSE: registers and reads the patients of their own dispensary, records their consent to teleconsultation
 *       (no other role may), opens consultations for them, reads the care-plan sections (plan, prescription,
 *       follow-up) of signed notes of those patients.</li>
 *   <li>SPECIALIST: reads the patients they have a consultation with (the care team), writes the note of their own
 *       consultation, reads every signed note of their patients and their own drafts, signs and amends their notes,
 *       exports the FHIR record of their patients.</li>
 *   <li>COORDINATOR: reads demographics to book consultations and opens them; never clinical content.</li>
 *   <li>ADMIN: audit and key operations; no patient data and never clinical content.</li>
 *   <li>SYSTEM: the application (call routing, booking, seeding): registers patients and opens consultations.</li>
 *   <li>Tele-expertise cases: a nurse writes and reads the cases of her dispensary's patients; a specialist reads a
 *       sent case of their specialty until someone claims it, then only its claimer reads it and answers it; a
 *       coordinator sees cases without their content (to follow overdue ones and hand them back to the inbox).</li>
 *   <li>Break-glass: a specialist may read a whole signed note they could not otherwise read, a nurse its care-plan
 *       sections, giving a reason; never a draft. It is rate-limited per user, audited as BREAK_GLASS_READ and
 *       raises an alert administrators review.</li>
 * </ul>
 */
public final class AccessPolicy {

    /** How much of a note an actor may read. */
    public enum NoteAccess { FULL, CARE_PLAN, NONE }

    /** How much of a tele-expertise case an actor may see: all of it, its routing facts only, or nothing. */
    public enum CaseAccess { CONTENT, SUMMARY, NONE }

    public static final int MIN_BREAK_GLASS_REASON = 10;

    public boolean mayRegisterPatient(Actor a, String dispensaryId) {
        return switch (a.role()) {
            case NURSE -> dispensaryId.equals(a.dispensaryId());
            case SYSTEM -> true;
            default -> false;
        };
    }

    public boolean mayReadPatient(Actor a, String patientDispensary, boolean inCareTeam) {
        return switch (a.role()) {
            case NURSE -> patientDispensary.equals(a.dispensaryId());
            case SPECIALIST -> inCareTeam;
            case COORDINATOR, SYSTEM -> true;
            case ADMIN -> false;
        };
    }

    public boolean mayListDispensary(Actor a, String dispensaryId) {
        return switch (a.role()) {
            case NURSE -> dispensaryId.equals(a.dispensaryId());
            case COORDINATOR, SYSTEM -> true;
            case SPECIALIST, ADMIN -> false;
        };
    }

    /** Consent is the patient's word, heard by the nurse who sees them: only a nurse of their dispensary records it. */
    public boolean mayRecordConsent(Actor a, String patientDispensary) {
        return a.is(Role.NURSE) && patientDispensary.equals(a.dispensaryId());
    }

    public boolean mayOpenConsultation(Actor a, String patientDispensary) {
        return switch (a.role()) {
            case NURSE -> patientDispensary.equals(a.dispensaryId());
            case COORDINATOR, SYSTEM -> true;
            case SPECIALIST, ADMIN -> false;
        };
    }

    public boolean mayUpdateConsultation(Actor a, String patientDispensary, String specialistId) {
        return switch (a.role()) {
            case NURSE -> patientDispensary.equals(a.dispensaryId());
            case SPECIALIST -> a.userId().equals(specialistId);
            case COORDINATOR, SYSTEM -> true;
            case ADMIN -> false;
        };
    }

    public boolean mayWriteNote(Actor a, String consultationSpecialistId) {
        return a.is(Role.SPECIALIST) && a.userId().equals(consultationSpecialistId);
    }

    public NoteAccess noteAccess(Actor a, String patientDispensary, boolean inCareTeam, String authorId,
                                 boolean draft) {
        return switch (a.role()) {
            case SPECIALIST -> a.userId().equals(authorId) || (inCareTeam && !draft) ? NoteAccess.FULL : NoteAccess.NONE;
            case NURSE -> patientDispensary.equals(a.dispensaryId()) && !draft ? NoteAccess.CARE_PLAN : NoteAccess.NONE;
            case COORDINATOR, ADMIN, SYSTEM -> NoteAccess.NONE;
        };
    }

    /** What emergency access shows: the whole note to a specialist, the care-plan sections to a nurse. */
    public NoteAccess breakGlassAccess(Actor a) {
        return switch (a.role()) {
            case SPECIALIST -> NoteAccess.FULL;
            case NURSE -> NoteAccess.CARE_PLAN;
            case COORDINATOR, ADMIN, SYSTEM -> NoteAccess.NONE;
        };
    }

    public boolean mayExport(Actor a, boolean inCareTeam) {
        return a.is(Role.SPECIALIST) && inCareTeam;
    }

    /** Writing a case (and adding to it, sending it, answering the specialist's questions). */
    public boolean mayWriteCase(Actor a, String patientDispensary) {
        return a.is(Role.NURSE) && patientDispensary.equals(a.dispensaryId());
    }

    /**
     * @param sentUnclaimed the case is in its specialty's inbox: sent, nobody has claimed it
     * @param claimedBy     who claimed it, null when nobody has
     */
    public CaseAccess caseAccess(Actor a, String caseDispensary, String specialty, boolean sentUnclaimed,
                                 String claimedBy) {
        return switch (a.role()) {
            case NURSE -> caseDispensary.equals(a.dispensaryId()) ? CaseAccess.CONTENT : CaseAccess.NONE;
            case SPECIALIST -> a.userId().equals(claimedBy) || (sentUnclaimed && a.specialties().contains(specialty))
                    ? CaseAccess.CONTENT : CaseAccess.NONE;
            case COORDINATOR, SYSTEM -> CaseAccess.SUMMARY;
            case ADMIN -> CaseAccess.NONE;
        };
    }

    /** Listing a specialty's inbox and claiming its cases. */
    public boolean mayTakeCases(Actor a, String specialty) {
        return a.is(Role.SPECIALIST) && a.specialties().contains(specialty);
    }

    /** Following overdue cases and handing a claimed one back to its specialty's inbox. */
    public boolean mayReassignCases(Actor a) {
        return a.is(Role.COORDINATOR);
    }

    public boolean mayAdminister(Actor a) {
        return a.is(Role.ADMIN);
    }
}
