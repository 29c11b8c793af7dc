package ma.tabiblink.signaling.event;

/**
 * Fine-grained counts for monitoring that would be too frequent for {@link CallEventListener}: relayed messages
 * and how long the server took to pass each one on, coded errors sent to clients, and successful resumes. Called on
 * the server's session threads, so implementations must be cheap and thread-safe (counters, histograms).
 */
public interface SignalingObserver {

    SignalingObserver NONE = new SignalingObserver() {
    };

    /** A relayed message was handed to the peer's connection or to its node, {@code nanos} after it was read. */
    default void relayed(long nanos) {
    }

    /** A coded error was sent to a client. */
    default void errorSent(String code) {
    }

    /** A dropped client came back to its session within the resume window. */
    default void resumed() {
    }
}
