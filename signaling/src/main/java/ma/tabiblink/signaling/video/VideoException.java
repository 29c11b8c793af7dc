package ma.tabiblink.signaling.video;

/**
 * A video brokering failure with a stable machine-readable code and a human message that is safe to show
 * (it never contains a secret).
 */
public final class VideoException extends RuntimeException {

    /** The configuration is unusable; the message says which setting and why. */
    public static final String CONFIG_INVALID = "VIDEO_CONFIG_INVALID";
    /** A Jitsi room was asked for but no Jitsi Meet server is configured. */
    public static final String JITSI_NOT_CONFIGURED = "JITSI_NOT_CONFIGURED";
    /** A request argument (user id, room name, participant) is malformed. */
    public static final String REQUEST_INVALID = "VIDEO_REQUEST_INVALID";
    /** A Jitsi invitation was asked for after the consultation and its grace period ended. */
    public static final String CONSULTATION_OVER = "CONSULTATION_OVER";

    private final String code;

    public VideoException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }

    static VideoException config(String message) {
        return new VideoException(CONFIG_INVALID, message);
    }

    static VideoException request(String message) {
        return new VideoException(REQUEST_INVALID, message);
    }
}
