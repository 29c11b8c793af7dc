package ma.tabiblink.signaling.call;

import ma.tabiblink.signaling.auth.Identity;
import ma.tabiblink.signaling.auth.Role;
import ma.tabiblink.signaling.cluster.CallRecord;
import ma.tabiblink.signaling.cluster.ClusterState;
import ma.tabiblink.signaling.protocol.ErrorCode;
import ma.tabiblink.signaling.protocol.Message.Party;
import ma.tabiblink.signaling.protocol.ProtocolException;

/** Who is in a call, as the members are shown to each other, and who may ask what of a call. */
final class Parties {

    private Parties() {
    }

    static void requireRole(Identity who, Role role, String what) {
        if (who.role() != role) {
            throw new ProtocolException(ErrorCode.FORBIDDEN_ROLE, "only a " + role.name().toLowerCase() + " may " + what);
        }
    }

    static Party nurseOf(CallRecord call) {
        return new Party(call.nurseId(), call.nurseName(), Role.NURSE.name(), call.nurseDispensaryId(),
                call.nurseProvince());
    }

    static Party specialist(ClusterState cluster, String specialistId) {
        return specialist(specialistId, cluster.specialistName(specialistId).orElse(null));
    }

    /** @param name the name their presence shows; {@code null} when it is gone (they are shown by their id) */
    static Party specialist(String specialistId, String name) {
        return new Party(specialistId, name == null ? specialistId : name, Role.SPECIALIST.name(), null, null);
    }

    /** The name a member of a call is shown by. */
    static String displayName(ClusterState cluster, String userId, KnownCalls.Members call) {
        if (userId.equals(call.nurseId())) {
            return cluster.call(call.callId()).map(CallRecord::nurseName).orElse(userId);
        }
        return cluster.specialistName(userId).orElse(userId);
    }
}
