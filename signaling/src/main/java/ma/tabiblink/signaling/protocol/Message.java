package ma.tabiblink.signaling.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The whole signalling vocabulary: every message a client may send ({@link Client}) and every message the server
 * sends ({@link Server}), each a record whose JSON {@code type} is given by its annotation. docs/protocol.md mirrors
 * this file.
 */
public sealed interface Message {

    int MAX_ID = 64;
    int MAX_TEXT = 512;
    int MAX_NAME = 128;
    Pattern CODE = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    int MAX_REF = 128;

    // ---------------------------------------------------------------- client -> server

    /** A request from a client; {@code id} (optional) comes back as {@code re} in the reply or error. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
    @JsonSubTypes({
            @JsonSubTypes.Type(value = Ping.class, name = "ping"),
            @JsonSubTypes.Type(value = PresenceSet.class, name = "presence.set"),
            @JsonSubTypes.Type(value = CallRequest.class, name = "call.request"),
            @JsonSubTypes.Type(value = CallCancel.class, name = "call.cancel"),
            @JsonSubTypes.Type(value = CallAccept.class, name = "call.accept"),
            @JsonSubTypes.Type(value = CallDecline.class, name = "call.decline"),
            @JsonSubTypes.Type(value = CallJoin.class, name = "call.join"),
            @JsonSubTypes.Type(value = SdpOffer.class, name = "sdp.offer"),
            @JsonSubTypes.Type(value = SdpAnswer.class, name = "sdp.answer"),
            @JsonSubTypes.Type(value = IceCandidate.class, name = "ice.candidate"),
            @JsonSubTypes.Type(value = CallMedia.class, name = "call.media"),
            @JsonSubTypes.Type(value = CallQuality.class, name = "call.quality"),
            @JsonSubTypes.Type(value = CallHangup.class, name = "call.hangup"),
            @JsonSubTypes.Type(value = SessionResume.class, name = "session.resume"),
            @JsonSubTypes.Type(value = CallJitsi.class, name = "call.jitsi"),
            @JsonSubTypes.Type(value = CallInvite.class, name = "call.invite")
    })
    sealed interface Client extends Message {
        String id();
    }

    /** A client message relayed as is to the other member of an established call. */
    sealed interface Relayed extends Client {
        String callId();

        /** What the peer receives: the same fields plus the sender's user id. */
        Server toPeer(String from);
    }

    record Ping(String id) implements Client {
    }

    record PresenceSet(String id, String status) implements Client {
        public PresenceSet {
            if (!"available".equals(status) && !"away".equals(status)) {
                throw new IllegalArgumentException("status must be \"available\" or \"away\"");
            }
        }
    }

    record CallRequest(String id, String specialty, String patientRef, String reason) implements Client {
        public CallRequest {
            code("specialty", specialty);
            ref("patientRef", patientRef);
            reason = optionalText("reason", reason, MAX_TEXT);
        }
    }

    record CallCancel(String id, String callId) implements Client {
        public CallCancel {
            ref("callId", callId);
        }
    }

    record CallAccept(String id, String callId) implements Client {
        public CallAccept {
            ref("callId", callId);
        }
    }

    record CallDecline(String id, String callId) implements Client {
        public CallDecline {
            ref("callId", callId);
        }
    }

    record CallJoin(String id, String appointmentId) implements Client {
        public CallJoin {
            ref("appointmentId", appointmentId);
        }
    }

    record SdpOffer(String id, String callId, String sdp) implements Relayed {
        public SdpOffer {
            ref("callId", callId);
            required("sdp", sdp);
        }

        @Override
        public Server toPeer(String from) {
            return new SdpOfferRelay(callId, sdp, from);
        }
    }

    record SdpAnswer(String id, String callId, String sdp) implements Relayed {
        public SdpAnswer {
            ref("callId", callId);
            required("sdp", sdp);
        }

        @Override
        public Server toPeer(String from) {
            return new SdpAnswerRelay(callId, sdp, from);
        }
    }

    /** {@code candidate} must be present: the browser's candidate, or JSON {@code null} for end-of-candidates. */
    record IceCandidate(String id, String callId,
                        @JsonProperty(required = true) IceCandidateInit candidate) implements Relayed {
        public IceCandidate {
            ref("callId", callId);
        }

        @Override
        public Server toPeer(String from) {
            return new IceCandidateRelay(callId, candidate, from);
        }
    }

    record CallMedia(String id, String callId, Boolean audioOnly, String reason) implements Relayed {
        public CallMedia {
            ref("callId", callId);
            if (audioOnly == null) {
                throw new IllegalArgumentException("audioOnly is required");
            }
            reason = optionalText("reason", reason, MAX_NAME);
        }

        @Override
        public Server toPeer(String from) {
            return new CallMediaRelay(callId, audioOnly, reason, from);
        }
    }

    /**
     * How the sender receives the call, by its own measurements (sent every few seconds): the peer learns how its
     * sending arrives sooner than from its RTCP reports, which for audio come every five seconds.
     */
    record CallQuality(String id, String callId, String grade, Double lossPercent, Double mos, Double jitterMs)
            implements Relayed {
        static final Set<String> GRADES = Set.of("good", "fair", "poor", "interrupted", "unknown");

        public CallQuality {
            ref("callId", callId);
            if (grade == null || !GRADES.contains(grade)) {
                throw new IllegalArgumentException("grade must be one of " + GRADES);
            }
            within("lossPercent", lossPercent, 0, 100);
            within("mos", mos, 1, 5);
            within("jitterMs", jitterMs, 0, 60_000);
        }

        @Override
        public Server toPeer(String from) {
            return new CallQualityRelay(callId, grade, lossPercent, mos, jitterMs, from);
        }
    }

    record CallHangup(String id, String callId, String reason) implements Client {
        public CallHangup {
            ref("callId", callId);
            if (reason == null) {
                reason = "completed";
            } else {
                code("reason", reason);
            }
        }
    }

    record SessionResume(String id, String resumeToken, Long lastSeq) implements Client {
        public SessionResume {
            required("resumeToken", resumeToken);
            if (resumeToken.length() > 256) {
                throw new IllegalArgumentException("resumeToken is too long");
            }
            if (lastSeq == null || lastSeq < 0) {
                throw new IllegalArgumentException("lastSeq must be a number >= 0");
            }
        }
    }

    record CallJitsi(String id, String callId) implements Client {
        public CallJitsi {
            ref("callId", callId);
        }
    }

    record CallInvite(String id, String callId, String name) implements Client {
        public CallInvite {
            ref("callId", callId);
            required("name", name);
            if (name.length() > MAX_NAME) {
                throw new IllegalArgumentException("name is longer than " + MAX_NAME + " characters");
            }
        }
    }

    // ---------------------------------------------------------------- server -> client

    /** A message from the server; on the wire it also carries the session's {@code seq}. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    sealed interface Server extends Message {
    }

    /**
     * An ICE candidate as a browser gives it ({@code RTCIceCandidate.toJSON()}); other fields are dropped, so nothing
     * but these four travels to the peer. An empty {@code candidate} is the end of one media section's candidates.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record IceCandidateInit(String candidate, String sdpMid, Integer sdpMLineIndex, String usernameFragment) {
        public IceCandidateInit {
            if (candidate == null) {
                throw new IllegalArgumentException("candidate.candidate is required");
            }
        }
    }

    /** Public facts about a user, as shown to the other side of a call. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Party(String id, String name, String role, String dispensaryId, String province) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record UserInfo(String id, String name, String role, Set<String> specialties, String dispensaryId,
                    String province) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record IceServerInfo(List<String> urls, String username, String credential) {
    }

    /** How the two members reach each other: {@code p2p} WebRTC with these ICE servers. */
    record Media(String mode, List<IceServerInfo> iceServers, String iceTransportPolicy) {
    }

    /** A call a resumed session is part of. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record CallSummary(String callId, String state, String role, Party peer, String specialty, String patientRef,
                       Media media) {
    }

    @JsonTypeName("welcome")
    record Welcome(String sessionId, String resumeToken, long resumeWindowSeconds, long heartbeatSeconds,
                   UserInfo user) implements Server {
    }

    @JsonTypeName("pong")
    record Pong(String re) implements Server {
    }

    @JsonTypeName("error")
    record Error(String re, String code, String message) implements Server {
    }

    @JsonTypeName("presence")
    record Presence(String re, String status) implements Server {
    }

    @JsonTypeName("call.queued")
    record CallQueued(String re, String callId, int position, long estimatedWaitSeconds) implements Server {
    }

    @JsonTypeName("queue.update")
    record QueueUpdate(String callId, int position, long estimatedWaitSeconds) implements Server {
    }

    @JsonTypeName("call.ringing")
    record CallRinging(String callId, Party specialist) implements Server {
    }

    @JsonTypeName("call.noSpecialist")
    record CallNoSpecialist(String callId) implements Server {
    }

    @JsonTypeName("call.incoming")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record CallIncoming(String callId, String specialty, String patientRef, String reason, Party from,
                        long ringTimeoutSeconds, PatientSummary patient) implements Server {
    }

    /**
     * Who the call is about, as the rung specialist may see before answering: age in whole years, sex (FEMALE, MALE,
     * OTHER or UNKNOWN) and the name of the patient's dispensary; never the patient's name or an identifier.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record PatientSummary(Integer age, String sex, String dispensaryName) {
    }

    @JsonTypeName("call.ringCancelled")
    record CallRingCancelled(String re, String callId) implements Server {
    }

    @JsonTypeName("call.waiting")
    record CallWaiting(String re, String callId) implements Server {
    }

    @JsonTypeName("call.accepted")
    record CallAccepted(String re, String callId, String role, Party peer, String patientRef, Media media)
            implements Server {
    }

    @JsonTypeName("call.ended")
    record CallEnded(String re, String callId, String reason, String by) implements Server {
    }

    @JsonTypeName("sdp.offer")
    record SdpOfferRelay(String callId, String sdp, String from) implements Server {
    }

    @JsonTypeName("sdp.answer")
    record SdpAnswerRelay(String callId, String sdp, String from) implements Server {
    }

    @JsonTypeName("ice.candidate")
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record IceCandidateRelay(String callId, IceCandidateInit candidate, String from) implements Server {
    }

    @JsonTypeName("call.media")
    record CallMediaRelay(String callId, boolean audioOnly, String reason, String from) implements Server {
    }

    @JsonTypeName("call.quality")
    record CallQualityRelay(String callId, String grade, Double lossPercent, Double mos, Double jitterMs, String from)
            implements Server {
    }

    @JsonTypeName("peer.reconnecting")
    record PeerReconnecting(String callId) implements Server {
    }

    @JsonTypeName("peer.back")
    record PeerBack(String callId) implements Server {
    }

    @JsonTypeName("ice.restart")
    record IceRestart(String callId) implements Server {
    }

    @JsonTypeName("session.resumed")
    record SessionResumed(String re, String sessionId, List<CallSummary> calls) implements Server {
    }

    @JsonTypeName("token.refresh")
    record TokenRefresh(String accessToken, String expiresAt) implements Server {
        @Override
        public String toString() {
            return "TokenRefresh[expiresAt=" + expiresAt + "]";
        }
    }

    @JsonTypeName("call.jitsiRoom")
    record JitsiRoom(String callId, String roomName, String roomUrl, String jwt) implements Server {
    }

    @JsonTypeName("call.invitation")
    record CallInvitation(String re, String callId, String url) implements Server {
    }

    @JsonTypeName("server.draining")
    record ServerDraining() implements Server {
    }

    /**
     * A tele-expertise case the user follows has changed (answered, or information requested): the client fetches it
     * over REST. Nothing of the case's content travels here.
     */
    @JsonTypeName("case.update")
    record CaseUpdate(String caseId, String status) implements Server {
    }

    // ---------------------------------------------------------------- field checks

    private static void required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required");
        }
    }

    private static void code(String field, String value) {
        required(field, value);
        if (!CODE.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " must be a lowercase code (letters, digits, dashes)");
        }
    }

    /** Checked on every relayed message, so by hand rather than with a regular expression. */
    private static void ref(String field, String value) {
        required(field, value);
        boolean valid = value.length() <= MAX_REF;
        for (int i = 0; valid && i < value.length(); i++) {
            char c = value.charAt(i);
            valid = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '-';
        }
        if (!valid) {
            throw new IllegalArgumentException(field + " must be 1-" + MAX_REF + " letters, digits or . _ : -");
        }
    }

    private static void within(String field, Double value, double min, double max) {
        if (value != null && !(value >= min && value <= max)) {
            throw new IllegalArgumentException(field + " must be between " + (long) min + " and " + (long) max);
        }
    }

    private static String optionalText(String field, String value, int max) {
        if (value != null && value.length() > max) {
            throw new IllegalArgumentException(field + " is longer than " + max + " characters");
        }
        return value;
    }
}
