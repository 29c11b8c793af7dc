package ma.tabiblink.signaling.cluster;

import java.util.List;

/**
 * A specialist's presence as the cluster stores it.
 *
 * @param status    the status the specialist set ({@link PresenceStatus#AVAILABLE} or {@link PresenceStatus#AWAY})
 * @param callId    the call the specialist is in, or {@code null}
 * @param connected whether the specialist has a live session anywhere
 */
public record Presence(String userId, String name, List<String> specialties, PresenceStatus status, String callId,
                       boolean connected) {

    public Presence {
        specialties = List.copyOf(specialties);
    }

    /** The status others see: offline without a live session, busy in a call, else the status set. */
    public PresenceStatus shown() {
        if (!connected) {
            return PresenceStatus.OFFLINE;
        }
        return callId != null ? PresenceStatus.BUSY : status;
    }
}
