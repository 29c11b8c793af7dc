package ma.tabiblink.signaling.protocol;

/** WebSocket close codes the server uses; docs/protocol.md explains what a client should do after each. */
public enum CloseCode {
    /** Client closed with 1000: the session ends for good (no resume). */
    NORMAL(1000, "bye"),
    /** A frame larger than the configured limit. */
    MESSAGE_TOO_BIG(1009, "message too big"),
    /** The server could not set the session up (shared state unreachable); try again shortly. */
    SERVER_ERROR(1011, "server error"),
    /** Refused on connect, or the access token expired and could not be refreshed. */
    AUTH_FAILED(4401, "authentication failed"),
    ORIGIN_FORBIDDEN(4403, "origin not allowed"),
    IDLE_TIMEOUT(4408, "idle timeout"),
    SESSION_REPLACED(4409, "session resumed on another connection"),
    /** The user's sign-in session is over (signed out, revoked, limits) or the account was disabled or changed. */
    SESSION_ENDED(4410, "session ended, sign in again"),
    TOO_MANY_CONNECTIONS(4429, "too many connections"),
    RATE_LIMITED(4430, "too many messages"),
    SERVER_DRAINING(4503, "server draining, resume on another node"),
    SLOW_CONSUMER(4508, "client not reading fast enough");

    private final int code;
    private final String reason;

    CloseCode(int code, String reason) {
        this.code = code;
        this.reason = reason;
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }
}
