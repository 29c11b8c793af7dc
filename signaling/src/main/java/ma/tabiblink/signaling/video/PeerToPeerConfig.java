package ma.tabiblink.signaling.video;

import java.util.List;

/** What a browser needs to build its {@code RTCPeerConnection} for a 1:1 call. */
public record PeerToPeerConfig(List<IceServer> iceServers, String iceTransportPolicy) {

    public PeerToPeerConfig {
        iceServers = List.copyOf(iceServers);
        if (!VideoConfig.ICE_POLICY_ALL.equals(iceTransportPolicy)
                && !VideoConfig.ICE_POLICY_RELAY.equals(iceTransportPolicy)) {
            throw new IllegalArgumentException("iceTransportPolicy must be \"all\" or \"relay\"");
        }
    }
}
