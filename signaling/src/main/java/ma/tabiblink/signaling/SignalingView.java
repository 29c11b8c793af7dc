package ma.tabiblink.signaling;

import java.time.Duration;
import java.util.List;

/** A read-only snapshot of the signalling cluster for the coordinators' board and metrics. */
public interface SignalingView {

    /** WebSocket connections open on this node. */
    int localConnections();

    /** Specialists connected anywhere in the cluster, with their status. */
    List<SpecialistPresence> specialists();

    /** Waiting urgent calls per specialty (only specialties that have a queue or a specialist). */
    List<QueueStatus> queues();

    /** Calls established anywhere in the cluster. */
    int callsInProgress();

    /** @param status {@code available}, {@code away} or {@code busy} */
    record SpecialistPresence(String userId, String displayName, List<String> specialties, String status,
                              String callId) {
    }

    record QueueStatus(String specialty, int length, Duration longestWait) {
    }
}
