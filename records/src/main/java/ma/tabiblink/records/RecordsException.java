package ma.tabiblink.records;

import java.util.Objects;

/** Every failure of the records module: a stable {@link RecordsError} code and a message safe to show a user. */
public final class RecordsException extends RuntimeException {

    private final RecordsError code;

    public RecordsException(RecordsError code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code);
    }

    public RecordsException(RecordsError code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code);
    }

    public RecordsError code() {
        return code;
    }

    public static RecordsException invalid(String message) {
        return new RecordsException(RecordsError.INVALID_INPUT, message);
    }

    public static RecordsException denied(String message) {
        return new RecordsException(RecordsError.ACCESS_DENIED, message);
    }

    public static RecordsException integrity(String message) {
        return new RecordsException(RecordsError.INTEGRITY_FAILURE, message);
    }
}
