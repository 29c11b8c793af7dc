package ma.tabiblink.web.error;

/**
 * The stable codes the web layer answers with itself, each with the HTTP status it always goes with. The modules'
 * own codes ({@code scheduler.ErrorCode}, {@code records.RecordsError}) are mapped by their feature's exception handler.
 */
public enum ApiError {
    // Malformed or incomplete requests
    BAD_REQUEST(400),
    BAD_PATH(400),
    BAD_JSON(400),
    BAD_PARAMETER(400),
    MISSING_PARAMETER(400),
    MISSING_HEADER(400),
    VALIDATION_FAILED(400),
    INVALID_LIMIT(400),
    METHOD_NOT_ALLOWED(405),
    NOT_ACCEPTABLE(406),
    PAYLOAD_TOO_LARGE(413),
    URI_TOO_LONG(414),
    UNSUPPORTED_MEDIA_TYPE(415),
    HEADERS_TOO_LARGE(431),
    NOT_FOUND(404),

    // Signing in and sessions
    AUTH_REQUIRED(401),
    AUTH_EXPIRED(401),
    AUTH_INVALID(401),
    SESSION_ENDED(401),
    SESSION_EXPIRED(401),
    BAD_CREDENTIALS(401),
    REFRESH_TOKEN_REUSED(401),
    LOGIN_DELAYED(429),
    FORBIDDEN(403),
    FORBIDDEN_ROLE(403),
    UNSUPPORTED_LANGUAGE(400),

    // Administration of users, dispensaries and specialties
    INVALID_USER_ID(400),
    WEAK_PASSWORD(400),
    CANNOT_DISABLE_SELF(400),
    CANNOT_DEMOTE_SELF(400),
    UNKNOWN_USER(404),
    USER_EXISTS(409),
    INVALID_DISPENSARY_ID(400),
    UNKNOWN_DISPENSARY(400),
    INVALID_SPECIALTY(400),
    UNKNOWN_SPECIALTY(400),

    // Patients and appointments, where a request joins the scheduler's data to the records'
    UNKNOWN_PATIENT(404),
    PATIENT_OF_ANOTHER_DISPENSARY(409),
    NOT_YOUR_DISPENSARY(403),
    APPOINTMENT_OF_ANOTHER_PATIENT(409),
    APPOINTMENT_NOT_BOOKED(409),
    SIGNING_KEY_NOT_FOUND(404),

    // Guest links to a consultation
    GUEST_LINK_UNKNOWN(404),
    GUEST_LINK_USED(410),
    CONSULTATION_OVER(410),

    // Private calendar feeds
    CALENDAR_FEED_UNKNOWN(404),

    // The server's own state
    TEMPORARILY_UNAVAILABLE(503),
    INTERNAL_ERROR(500);

    private final int status;

    ApiError(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }
}
