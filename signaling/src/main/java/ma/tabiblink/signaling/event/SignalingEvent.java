package ma.tabiblink.signaling.event;

import java.time.Duration;
import java.time.Instant;

/**
 * Everything the signalling server reports about calls, presence and queues, for the audit log, the consultation
 * records and the coordinators' live board. Each event is emitted once, by the node that made the change.
 */
public sealed interface SignalingEvent {

    Instant at();

    /** A nurse asked for an urgent call, or the first participant joined a booked consultation. */
    record CallRequested(Instant at, String callId, String nurseId, String specialty, String patientRef,
                         String appointmentId) implements SignalingEvent {
    }

    record CallRinging(Instant at, String callId, String specialistId) implements SignalingEvent {
    }

    record CallAccepted(Instant at, String callId, String nurseId, String specialistId, String patientRef,
                        String appointmentId, Duration waited) implements SignalingEvent {
    }

    record CallDeclined(Instant at, String callId, String specialistId) implements SignalingEvent {
    }

    record RingTimedOut(Instant at, String callId, String specialistId) implements SignalingEvent {
    }

    /**
     * @param endedBy       user id of whoever ended it ({@code null} when the server ended it)
     * @param reason        {@code completed}, {@code cancelled}, {@code peer-lost}, {@code left} or the reason a
     *                      member gave
     * @param appointmentId the booked consultation the call was for ({@code null} for an urgent call)
     * @param wasActive     whether the two had been in the call (not a request cancelled or a lone wait given up)
     */
    record CallEnded(Instant at, String callId, String reason, String endedBy, String appointmentId, boolean wasActive)
            implements SignalingEvent {
    }

    /**
     * @param status {@code available}, {@code away}, {@code busy} or {@code offline}; {@code back} when a specialist's
     *               session resumed outside any call (the status set before the drop still stands)
     */
    record PresenceChanged(Instant at, String userId, String status) implements SignalingEvent {
    }

    record QueueChanged(Instant at, String specialty, int length) implements SignalingEvent {
    }

    /** A specialist invited a guest into the Jitsi room of a call: a single-use link was issued. */
    record GuestInvited(Instant at, String callId, String specialistId, String guestId, String guestName,
                        String patientRef) implements SignalingEvent {
    }

    /**
     * A guest link was opened.
     *
     * @param admitted true for the first use (the guest got a Jitsi token), false when it was used already
     * @param from     the address it was opened from
     */
    record GuestLinkUsed(Instant at, String callId, String specialistId, String guestId, String guestName,
                         String patientRef, boolean admitted, String from) implements SignalingEvent {
    }
}
