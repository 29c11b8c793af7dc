package ma.tabiblink.signaling.event;

/**
 * Receives the lifecycle of calls, presence changes and queue changes. Called in order from a single thread of the
 * server, never from a network thread; an exception thrown here is logged and does not affect the call.
 */
@FunctionalInterface
public interface CallEventListener {

    CallEventListener NONE = event -> { };

    void onEvent(SignalingEvent event);
}
