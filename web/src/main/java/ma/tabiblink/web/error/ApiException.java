package ma.tabiblink.web.error;

import java.util.Map;

/** An error the API reports to its caller: a stable code (which fixes the HTTP status) and a human message. */
public class ApiException extends RuntimeException {

    private final ApiError error;
    private final transient Map<String, Object> details;

    public ApiException(ApiError error, String message) {
        this(error, message, Map.of());
    }

    public ApiException(ApiError error, String message, Map<String, Object> details) {
        super(message, null, false, false);
        this.error = error;
        this.details = Map.copyOf(details);
    }

    public ApiError error() {
        return error;
    }

    public Map<String, Object> details() {
        return details;
    }
}
