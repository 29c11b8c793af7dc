package ma.tabiblink.records;

/** Stable error codes of the records module; {@link Kind} tells a transport how to classify each one. */
public enum RecordsError {
    INVALID_INPUT(Kind.INVALID),
    PATIENT_NOT_FOUND(Kind.NOT_FOUND),
    PATIENT_DUPLICATE(Kind.CONFLICT),
    PATIENT_POSSIBLE_DUPLICATE(Kind.CONFLICT),
    IDEMPOTENCY_KEY_REUSED(Kind.KEY_REUSED),
    PATIENT_ERASED(Kind.GONE),
    CONSULTATION_NOT_FOUND(Kind.NOT_FOUND),
    NOTE_NOT_FOUND(Kind.NOT_FOUND),
    NOTE_VERSION_NOT_FOUND(Kind.NOT_FOUND),
    NOTE_NOT_DRAFT(Kind.CONFLICT),
    NOTE_DRAFT_PENDING(Kind.CONFLICT),
    NOTE_SHREDDED(Kind.GONE),
    CONSENT_REQUIRED(Kind.CONFLICT),
    ACCESS_DENIED(Kind.FORBIDDEN),
    BREAK_GLASS_REASON_REQUIRED(Kind.INVALID),
    BREAK_GLASS_RATE_LIMITED(Kind.RATE_LIMITED),
    BREAK_GLASS_NOT_FOUND(Kind.NOT_FOUND),
    INTEGRITY_FAILURE(Kind.CORRUPTED),
    KEY_UNAVAILABLE(Kind.UNAVAILABLE),
    KEYSTORE_UNAVAILABLE(Kind.UNAVAILABLE),
    KEY_IN_USE(Kind.CONFLICT),
    AUDIT_UNAVAILABLE(Kind.UNAVAILABLE),
    CASE_NOT_FOUND(Kind.NOT_FOUND),
    CASE_STATE_CONFLICT(Kind.CONFLICT),
    CASE_ALREADY_CLAIMED(Kind.CONFLICT),
    CASE_ANSWER_NOT_SIGNED(Kind.CONFLICT),
    ATTACHMENT_NOT_FOUND(Kind.NOT_FOUND),
    ATTACHMENT_LIMIT_REACHED(Kind.CONFLICT),
    ATTACHMENT_TYPE_REFUSED(Kind.UNSUPPORTED_TYPE),
    ATTACHMENT_TOO_LARGE(Kind.TOO_LARGE),
    UPLOAD_INCOMPLETE(Kind.CONFLICT),
    UPLOAD_OFFSET_MISMATCH(Kind.CONFLICT),
    /** No replica confirmed the write in time: it stands on the primary, the same request may be retried. */
    NOT_REPLICATED(Kind.UNAVAILABLE);

    /** Broad class of an error, independent of any transport. */
    public enum Kind {
        INVALID,
        FORBIDDEN,
        NOT_FOUND,
        CONFLICT,
        /** The thing existed and was removed for good (an erased patient, a shredded note). */
        GONE,
        TOO_LARGE,
        UNSUPPORTED_TYPE,
        /** An idempotency key sent again with a different request. */
        KEY_REUSED,
        RATE_LIMITED,
        /** Stored data failed its integrity check: a fault of the server, not of the request. */
        CORRUPTED,
        UNAVAILABLE
    }

    private final Kind kind;

    RecordsError(Kind kind) {
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
