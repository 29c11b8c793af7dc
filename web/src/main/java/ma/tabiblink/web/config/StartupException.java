package ma.tabiblink.web.config;

/** A configuration problem that must stop the application before it serves anyone, with a message an operator can act on. */
public class StartupException extends RuntimeException {

    public StartupException(String message) {
        super(message);
    }

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
