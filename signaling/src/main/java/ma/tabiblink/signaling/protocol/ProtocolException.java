package ma.tabiblink.signaling.protocol;

import java.util.Objects;

/** A request the server refuses; carries the code and the human message of the {@code error} reply. */
public final class ProtocolException extends RuntimeException {

    private final ErrorCode code;

    public ProtocolException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = Objects.requireNonNull(code, "code");
    }

    public ErrorCode code() {
        return code;
    }
}
