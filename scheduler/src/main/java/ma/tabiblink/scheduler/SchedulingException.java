package ma.tabiblink.scheduler;

import java.util.Map;

/** Every refusal of the scheduler: a stable code, a human message and optional structured details. */
public final class SchedulingException extends RuntimeException {

    private final ErrorCode code;
    private final Map<String, Object> details;

    public SchedulingException(ErrorCode code, String message) {
        this(code, message, Map.of());
    }

    public SchedulingException(ErrorCode code, String message, Map<String, Object> details) {
        super(message, null, false, false);
        this.code = code;
        this.details = Map.copyOf(details);
    }

    public ErrorCode code() {
        return code;
    }

    public Map<String, Object> details() {
        return details;
    }
}
