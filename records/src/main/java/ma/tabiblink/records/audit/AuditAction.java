package ma.tabiblink.records.audit;

/** What was done. {@link #fhirAction()} is the FHIR AuditEvent.action code (C, R, U, D, E). */
public enum AuditAction {
    SIGN_IN("E"),
    SIGN_OUT("E"),
    SESSION_REVOKE("D"),
    ACCOUNT_CREATE("C"),
    ACCOUNT_ENABLE("U"),
    ACCOUNT_DISABLE("U"),
    ACCOUNT_ROLE_CHANGE("U"),
    PATIENT_CREATE("C"),
    PATIENT_READ("R"),
    PATIENT_SEARCH("E"),
    PATIENT_UPDATE("U"),
    CONSULTATION_OPEN("C"),
    CONSULTATION_READ("R"),
    CONSULTATION_UPDATE("U"),
    NOTE_CREATE("C"),
    NOTE_READ("R"),
    NOTE_AMEND("U"),
    NOTE_SIGN("U"),
    NOTE_VERIFY("R"),
    CASE_CREATE("C"),
    CASE_READ("R"),
    CASE_UPDATE("U"),
    BREAK_GLASS_READ("R"),
    BREAK_GLASS_REVIEW("U"),
    EXPORT("R"),
    KEY_ROTATE("E"),
    KEY_REWRAP("E"),
    KEY_RETIRE("D"),
    KEY_VERIFY("E"),
    KEY_SHRED("D"),
    AUDIT_VERIFY("E"),
    AUDIT_EXPORT("R"),
    /** A signed checkpoint of the audit chain was issued, to be kept off the server. */
    AUDIT_CHECKPOINT("E"),
    /** A specialist invited a guest into a call's Jitsi room (a single-use link). */
    JITSI_GUEST_INVITE("C"),
    /** A guest link was opened: SUCCESS the first time (the guest is let in), DENIED afterwards. */
    JITSI_GUEST_JOIN("E");

    private final String fhirAction;

    AuditAction(String fhirAction) {
        this.fhirAction = fhirAction;
    }

    public String fhirAction() {
        return fhirAction;
    }
}
