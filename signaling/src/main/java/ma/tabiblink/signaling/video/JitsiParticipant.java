package ma.tabiblink.signaling.video;

/**
 * Who a Jitsi token is minted for. {@code email} may be null. The specialist is the room's moderator.
 */
public record JitsiParticipant(String userId, String displayName, String email, boolean moderator) {

    public JitsiParticipant {
        if (userId == null || userId.isBlank()) {
            throw VideoException.request("a Jitsi participant needs a user id");
        }
        if (displayName == null || displayName.isBlank()) {
            throw VideoException.request("a Jitsi participant needs a display name");
        }
        if (email != null && email.isBlank()) {
            email = null;
        }
    }
}
