package ma.tabiblink.signaling.auth;

import java.util.Objects;

/** Thrown by an {@link Authenticator} when a connection cannot be tied to a user. */
public final class AuthenticationException extends Exception {

    /** Why the token was refused; each reason maps to a stable error code sent to the client. */
    public enum Reason {
        MISSING,
        INVALID,
        EXPIRED,
        /** The token is sound but its sign-in session is over: sign in again rather than refresh. */
        SESSION_ENDED
    }

    private final Reason reason;

    public AuthenticationException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
