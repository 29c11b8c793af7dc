package ma.tabiblink.signaling.video;

import java.util.List;

/**
 * One entry of WebRTC's {@code RTCConfiguration.iceServers}. STUN entries carry no credentials ({@code username}
 * and {@code credential} are null); TURN entries carry a time-limited REST credential.
 */
public record IceServer(List<String> urls, String username, String credential) {

    public IceServer {
        if (urls == null || urls.isEmpty()) {
            throw new IllegalArgumentException("an ICE server needs at least one url");
        }
        urls = List.copyOf(urls);
        if ((username == null) != (credential == null)) {
            throw new IllegalArgumentException("an ICE server has both a username and a credential, or neither");
        }
    }

    public static IceServer withoutCredentials(List<String> urls) {
        return new IceServer(urls, null, null);
    }

    public boolean hasCredentials() {
        return username != null;
    }

    /** The credential is a live secret until it expires: keep it out of logs. */
    @Override
    public String toString() {
        return "IceServer[urls=" + urls + ", username=" + username
                + ", credential=" + (credential == null ? "null" : "***") + "]";
    }
}
