package ma.tabiblink.signaling.call;

import ma.tabiblink.signaling.cluster.CallRecord;
import ma.tabiblink.signaling.cluster.CallState;
import ma.tabiblink.signaling.cluster.ClusterState;
import ma.tabiblink.signaling.protocol.ErrorCode;
import ma.tabiblink.signaling.protocol.ProtocolException;
import ma.tabiblink.signaling.session.Session;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Members of active calls that have a member on this node, so relaying needs no Redis round trip. */
final class KnownCalls {

    record Members(String callId, String nurseId, String nurseSessionId, String specialistId,
                   String specialistSessionId) {
        static Members of(CallRecord call) {
            return new Members(call.callId(), call.nurseId(), call.nurseSessionId(), call.specialistId(),
                    call.specialistSessionId());
        }

        String peerOf(String sessionId) {
            if (sessionId.equals(nurseSessionId)) {
                return specialistSessionId;
            }
            if (sessionId.equals(specialistSessionId)) {
                return nurseSessionId;
            }
            return null;
        }
    }

    private final ClusterState cluster;
    private final Map<String, Members> members = new ConcurrentHashMap<>();

    KnownCalls(ClusterState cluster) {
        this.cluster = cluster;
    }

    Members remember(CallRecord call) {
        Members m = Members.of(call);
        members.put(call.callId(), m);
        return m;
    }

    /** The members, when the call is known here; {@code null} otherwise. */
    Members get(String callId) {
        return members.get(callId);
    }

    void forget(String callId) {
        members.remove(callId);
    }

    /** The members of an established call the session is in, or why the session cannot act on it. */
    Members active(String callId, Session s) {
        Members m = members.get(callId);
        if (m == null) {
            CallRecord call = cluster.call(callId).orElseThrow(() ->
                    new ProtocolException(ErrorCode.NOT_IN_CALL, "you are not a member of this call"));
            if (!call.hasMember(s.id())) {
                throw new ProtocolException(ErrorCode.NOT_IN_CALL, "you are not a member of this call");
            }
            if (call.state() == CallState.ENDED) {
                throw new ProtocolException(ErrorCode.CALL_ENDED, "this call has ended");
            }
            if (call.state() != CallState.ACTIVE) {
                throw new ProtocolException(ErrorCode.CALL_NOT_ACTIVE, "the call is not established");
            }
            m = remember(call);
        }
        if (m.peerOf(s.id()) == null) {
            throw new ProtocolException(ErrorCode.NOT_IN_CALL, "you are not a member of this call");
        }
        return m;
    }
}
