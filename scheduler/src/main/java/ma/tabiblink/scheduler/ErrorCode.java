package ma.tabiblink.scheduler;

/** Stable error codes of the scheduler; {@link Kind} tells a transport how to classify each one. */
public enum ErrorCode {
    INVALID_INPUT(Kind.INVALID),
    INVALID_DATE(Kind.INVALID),
    INVALID_RANGE(Kind.INVALID),
    INVALID_SCHEDULE(Kind.INVALID),
    INVALID_PATIENT_REF(Kind.INVALID),
    IDEMPOTENCY_KEY_REQUIRED(Kind.INVALID),
    SLOT_IN_PAST(Kind.INVALID),
    SPECIALTY_NOT_OFFERED(Kind.INVALID),
    UNKNOWN_SPECIALIST(Kind.NOT_FOUND),
    UNKNOWN_SLOT(Kind.NOT_FOUND),
    UNKNOWN_APPOINTMENT(Kind.NOT_FOUND),
    SLOT_TAKEN(Kind.CONFLICT),
    PATIENT_BUSY(Kind.CONFLICT),
    HOLD_EXPIRED(Kind.CONFLICT),
    INVALID_TRANSITION(Kind.CONFLICT),
    TOO_EARLY(Kind.CONFLICT),
    IDEMPOTENCY_KEY_REUSED(Kind.CONFLICT),
    SCHEDULE_CHANGED(Kind.CONFLICT),
    FORBIDDEN_ROLE(Kind.FORBIDDEN),
    NOT_YOUR_APPOINTMENT(Kind.FORBIDDEN),
    /** The change was made on the primary but no replica confirmed it in time; retry with the same request. */
    NOT_REPLICATED(Kind.UNAVAILABLE);

    /** Broad class of an error, independent of any transport. */
    public enum Kind { INVALID, NOT_FOUND, CONFLICT, FORBIDDEN, UNAVAILABLE }

    private final Kind kind;

    ErrorCode(Kind kind) {
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
