package ma.tabiblink.signaling.cluster;

import java.time.Instant;
import java.util.Objects;

/**
 * A call as the cluster stores it. Fields a call does not have (yet) are {@code null}: a specialist before one takes
 * the call, a nurse of a booked consultation only the specialist has joined, an appointment for an urgent call.
 *
 * @param reason      the chief complaint, opened ({@code null} when none, or when it does not open)
 * @param requestedAt when the call was asked for or the consultation first joined ({@link Instant#EPOCH} if unknown)
 * @param jitsiRoom   the Jitsi Meet room opened for the call, if any
 */
public record CallRecord(String callId, CallState state, String specialty, String patientRef, String reason,
                         String nurseId, String nurseSessionId, String nurseName, String nurseDispensaryId,
                         String nurseProvince, String specialistId, String specialistSessionId,
                         String appointmentId, Instant requestedAt, String jitsiRoom) {

    public CallRecord {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(requestedAt, "requestedAt");
    }

    /** Whether the session is the nurse's or the specialist's in this call. */
    public boolean hasMember(String sessionId) {
        return sessionId.equals(nurseSessionId) || sessionId.equals(specialistSessionId);
    }

    @Override
    public String toString() {
        return "CallRecord[" + callId + ", " + state + ", reason=(not shown)]";
    }
}
