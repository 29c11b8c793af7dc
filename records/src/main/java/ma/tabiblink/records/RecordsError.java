package ma.tabiblink.records;

/** Stable error codes of the records module; the web layer maps each to an HTTP status. */
public enum RecordsError {
    INVALID_INPUT,
    PATIENT_NOT_FOUND,
    PATIENT_DUPLICATE,
    CONSULTATION_NOT_FOUND,
    NOTE_NOT_FOUND,
    NOTE_VERSION_NOT_FOUND,
    NOTE_NOT_DRAFT,
    NOTE_DRAFT_PENDING,
    NOTE_SHREDDED,
    CONSENT_REQUIRED,
    ACCESS_DENIED,
    BREAK_GLASS_REASON_REQUIRED,
    INTEGRITY_FAILURE,
    KEY_UNAVAILABLE,
    KEYSTORE_UNAVAILABLE,
    KEY_IN_USE,
    AUDIT_UNAVAILABLE
}
