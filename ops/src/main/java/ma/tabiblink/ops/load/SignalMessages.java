package ma.tabiblink.ops.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Builds the client messages of the signalling protocol that the generator sends. */
final class SignalMessages {

    /** A plausible browser offer (audio + video + data), about 1.3 KB: what the relay carries at call start. */
    private static final String SDP = String.join("\r\n",
            "v=0",
            "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
            "s=-",
            "t=0 0",
            "a=group:BUNDLE 0 1",
            "a=extmap-allow-mixed",
            "a=msid-semantic: WMS load",
            "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126",
            "c=IN IP4 0.0.0.0",
            "a=rtcp:9 IN IP4 0.0.0.0",
            "a=ice-ufrag:tbL1",
            "a=ice-pwd:Yl2wGm9GQ0pWbOBvYcW8qj7E",
            "a=ice-options:trickle",
            "a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08",
            "a=setup:actpass",
            "a=mid:0",
            "a=sendrecv",
            "a=msid:load audio0",
            "a=rtcp-mux",
            "a=rtpmap:111 opus/48000/2",
            "a=rtcp-fb:111 transport-cc",
            "a=fmtp:111 minptime=10;useinbandfec=1",
            "m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103",
            "c=IN IP4 0.0.0.0",
            "a=rtcp:9 IN IP4 0.0.0.0",
            "a=ice-ufrag:tbL1",
            "a=ice-pwd:Yl2wGm9GQ0pWbOBvYcW8qj7E",
            "a=ice-options:trickle",
            "a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08",
            "a=setup:actpass",
            "a=mid:1",
            "a=sendrecv",
            "a=msid:load video0",
            "a=rtcp-mux",
            "a=rtcp-rsize",
            "a=rtpmap:96 VP8/90000",
            "a=rtcp-fb:96 goog-remb",
            "a=rtcp-fb:96 transport-cc",
            "a=rtcp-fb:96 ccm fir",
            "a=rtcp-fb:96 nack",
            "a=rtcp-fb:96 nack pli",
            "a=rtpmap:97 rtx/90000",
            "a=fmtp:97 apt=96",
            "a=rtpmap:102 H264/90000",
            "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f",
            "a=rtpmap:103 rtx/90000",
            "a=fmtp:103 apt=102",
            "");

    private static final String[] TRICKLE = {
        "candidate:2999745851 1 udp 2122260223 192.168.56.1 52311 typ host generation 0 ufrag tbL1 network-id 1",
        "candidate:842163049 1 udp 1677729535 41.250.12.7 52311 typ srflx raddr 192.168.56.1 rport 52311 generation 0"
            + " ufrag tbL1 network-id 1",
    };

    private static final String NUMBERED_CANDIDATE_TAIL = " 1 udp 2122260223 192.168.1.196 56143 typ host generation 0"
            + " ufrag tbL1 network-id 1 network-cost 10";

    private SignalMessages() {
    }

    static String ping(String id) {
        return write(object("ping").put("id", id));
    }

    static String presenceAvailable(String id) {
        return write(object("presence.set").put("id", id).put("status", "available"));
    }

    static String callRequest(String id, String specialty, String patientRef) {
        return write(object("call.request").put("id", id).put("specialty", specialty).put("patientRef", patientRef)
                .put("reason", "load test"));
    }

    static String callAccept(String id, String callId) {
        return write(object("call.accept").put("id", id).put("callId", callId));
    }

    static String callCancel(String id, String callId) {
        return write(object("call.cancel").put("id", id).put("callId", callId));
    }

    static String callHangup(String id, String callId) {
        return write(object("call.hangup").put("id", id).put("callId", callId).put("reason", "completed"));
    }

    static String sdp(String type, String callId) {
        return write(object(type).put("callId", callId).put("sdp", SDP));
    }

    static String sessionResume(String id, String resumeToken, long lastSeq) {
        return write(object("session.resume").put("id", id).put("resumeToken", resumeToken).put("lastSeq", lastSeq));
    }

    /** An ICE-candidate-sized relay message whose candidate foundation is its number in its direction of the call. */
    static String numberedCandidate(String callId, int number) {
        ObjectNode message = object("ice.candidate").put("callId", callId);
        message.putObject("candidate").put("candidate", "candidate:" + number + NUMBERED_CANDIDATE_TAIL)
                .put("sdpMid", "0").put("sdpMLineIndex", 0);
        return write(message);
    }

    /** The number of a {@link #numberedCandidate}, or -1 when the candidate is not one. */
    static int candidateNumber(String candidate) {
        if (!candidate.startsWith("candidate:") || !candidate.endsWith(NUMBERED_CANDIDATE_TAIL)) {
            return -1;
        }
        try {
            return Integer.parseInt(candidate.substring("candidate:".length(),
                    candidate.length() - NUMBERED_CANDIDATE_TAIL.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The trickled candidates of one side, ending with the end-of-candidates message. */
    static String[] trickle(String callId) {
        String[] messages = new String[TRICKLE.length + 1];
        for (int i = 0; i < TRICKLE.length; i++) {
            ObjectNode message = object("ice.candidate").put("callId", callId);
            message.putObject("candidate").put("candidate", TRICKLE[i]).put("sdpMid", "0").put("sdpMLineIndex", 0);
            messages[i] = write(message);
        }
        ObjectNode end = object("ice.candidate").put("callId", callId);
        end.putNull("candidate");
        messages[TRICKLE.length] = write(end);
        return messages;
    }

    private static ObjectNode object(String type) {
        return Peer.JSON.createObjectNode().put("type", type);
    }

    private static String write(ObjectNode message) {
        try {
            return Peer.JSON.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings always serialises", e);
        }
    }
}
