package ma.tabiblink.records;

import java.util.Map;
import java.util.Objects;

/** Every failure of the records module: a stable {@link RecordsError} code and a message safe to show a user. */
public final class RecordsException extends RuntimeException {

    private final RecordsError code;
    private final Map<String, Object> details;

    public RecordsException(RecordsError code, String message) {
        this(code, message, Map.of());
    }

    /** details: what the caller may act on (ids, labels it is allowed to see), never key material. */
    public RecordsException(RecordsError code, String message, Map<String, Object> details) {
        super(message);
        this.code = Objects.requireNonNull(code);
        this.details = Map.copyOf(details);
    }

    public RecordsException(RecordsError code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code);
        this.details = Map.of();
    }

    public RecordsError code() {
        return code;
    }

    public Map<String, Object> details() {
        return details;
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
