package ma.tabiblink.web.auth;

/** An access token that cannot be used, and why. */
public class TokenException extends Exception {

    /** {@code ENDED}: the token is sound but its sign-in session is over (signed out, revoked, limits, account change). */
    public enum Reason { MISSING, INVALID, EXPIRED, ENDED }

    private final Reason reason;

    public TokenException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
