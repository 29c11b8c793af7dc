package ma.tabiblink.signaling.auth;

import java.util.Objects;

/** Thrown by a {@link TokenRefresher} when the user's sign-in session is over. */
public final class SessionEndedException extends Exception {

    private final SessionEnd reason;

    public SessionEndedException(SessionEnd reason) {
        super(reason.name(), null, false, false);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public SessionEnd reason() {
        return reason;
    }
}
