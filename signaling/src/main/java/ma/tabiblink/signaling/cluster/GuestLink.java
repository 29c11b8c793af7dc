package ma.tabiblink.signaling.cluster;

import java.time.Instant;

/**
 * A guest's single-use invitation into the Jitsi Meet room of a call, as the cluster keeps it under its ticket.
 *
 * @param patientRef the patient of the consultation, or {@code null}
 * @param usedAt     when the link was first used; {@code null} until then
 */
public record GuestLink(String callId, String room, String specialistId, String guestId, String guestName,
                        String patientRef, Instant consultationEnd, Instant usedAt) {
}
