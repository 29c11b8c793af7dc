package ma.tabiblink.signaling.video;

import java.time.Instant;

/**
 * A personal way into a Jitsi Meet room: the room URL already carries this participant's JWT, which stops being
 * accepted at {@code expiresAt}.
 */
public record JitsiInvitation(String roomName, String roomUrl, String jwt, Instant expiresAt) {

    /** The URL and the token are bearer credentials: keep them out of logs. */
    @Override
    public String toString() {
        return "JitsiInvitation[roomName=" + roomName + ", expiresAt=" + expiresAt + "]";
    }
}
