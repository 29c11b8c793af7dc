package ma.tabiblink.web.auth;

/** An access token that cannot be used, and why. */
public class TokenException extends Exception {

    public enum Reason { MISSING, INVALID, EXPIRED }

    private final Reason reason;

    public TokenException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
