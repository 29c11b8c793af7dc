package ma.tabiblink.signaling.cluster;

/**
 * Every Redis key and channel of the signalling module, built from one prefix ({@code tl:sig:} by default). The Lua
 * scripts beside this class build the same names from the prefix they receive; signaling/README.md documents them.
 */
public record RedisKeys(String prefix) {

    /** Pub/sub channel on which a node receives messages for its sessions. */
    public String nodeChannel(String nodeId) {
        return prefix + "node:" + nodeId;
    }

    /** Sorted set node id -> last heartbeat (epoch ms). */
    public String nodes() {
        return prefix + "nodes";
    }

    public String session(String sessionId) {
        return prefix + "sess:" + sessionId;
    }

    public String sessionCalls(String sessionId) {
        return prefix + "sess:" + sessionId + ":calls";
    }

    public String userSessions(String userId) {
        return prefix + "user:" + userId + ":sessions";
    }

    public String presence(String userId) {
        return prefix + "presence:" + userId;
    }

    public String roster(String specialty) {
        return prefix + "roster:" + specialty;
    }

    public String queue(String specialty) {
        return prefix + "queue:" + specialty;
    }

    public String call(String callId) {
        return prefix + "call:" + callId;
    }

    /** Set of the ids of active calls. */
    public String activeCalls() {
        return prefix + "calls";
    }

    /** Set of every specialty that has had a specialist or a queue. */
    public String specialties() {
        return prefix + "specialties";
    }

    /** Hash of a guest's single-use Jitsi link, by its ticket. */
    public String guestLink(String ticket) {
        return prefix + "guest:" + ticket;
    }
}
