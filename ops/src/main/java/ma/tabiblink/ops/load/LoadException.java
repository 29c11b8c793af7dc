package ma.tabiblink.ops.load;

/** A load run that cannot go on, with a stable code and a human message (printed, never a stack trace). */
final class LoadException extends RuntimeException {

    private final String code;

    LoadException(String code, String message) {
        super(message);
        this.code = code;
    }

    String code() {
        return code;
    }
}
