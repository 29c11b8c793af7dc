package ma.tabiblink.signaling.session;

import ma.tabiblink.signaling.cluster.ClusterState;
import ma.tabiblink.signaling.protocol.Message;
import ma.tabiblink.signaling.protocol.MessageCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sessions held by this node, and the one way to send a server message to any session of the cluster: straight
 * to the connection when it is here, through Redis (pub/sub to its node, or its parked outbox) otherwise.
 */
public final class SessionRegistry {

    private static final Logger log = LoggerFactory.getLogger(SessionRegistry.class);

    private final Map<String, Session> local = new ConcurrentHashMap<>();
    private final ClusterState cluster;
    private final MessageCodec codec;
    private final String nodeId;
    private final int maxOutbox;

    public SessionRegistry(ClusterState cluster, MessageCodec codec, String nodeId, int maxOutbox) {
        this.cluster = cluster;
        this.codec = codec;
        this.nodeId = nodeId;
        this.maxOutbox = maxOutbox;
    }

    public void add(Session session) {
        local.put(session.id(), session);
    }

    public void remove(Session session) {
        local.remove(session.id(), session);
    }

    public Session local(String sessionId) {
        return local.get(sessionId);
    }

    public Collection<Session> all() {
        return local.values();
    }

    public String encode(Message.Server message) {
        return codec.encode(message);
    }

    public byte[] encodeUtf8(Message.Server message) {
        return codec.encodeUtf8(message);
    }

    public void send(String sessionId, Message.Server message) {
        sendJson(sessionId, codec.encode(message), null);
    }

    /**
     * Sends JSON to a session. With a call id, a message for a session on another node is only delivered while the
     * call is still active. Returns what Redis did with it ({@code SENT} when delivered locally).
     */
    public ClusterState.Delivery sendJson(String sessionId, String json, String callId) {
        if (sessionId == null || sessionId.isEmpty()) {
            return ClusterState.Delivery.GONE;
        }
        Session here = local.get(sessionId);
        if (here != null && here.send(json)) {
            return ClusterState.Delivery.SENT;
        }
        return cluster.deliver(sessionId, json, maxOutbox, nodeId, callId);
    }

    /**
     * Answers a session that made a request on this node; if its connection dropped meanwhile, the answer goes where
     * any other message would (its parked outbox, or the node it resumed on).
     */
    public void reply(Session session, Message.Server message) {
        String json = codec.encode(message);
        if (!session.send(json)) {
            sendJson(session.id(), json, null);
        }
    }

    /** Answers on the session's connection only, without a sequence number (see {@link Session#sendUnnumbered}). */
    public void replyUnnumbered(Session session, Message.Server message) {
        session.sendUnnumbered(codec.encodeUtf8(message));
    }

    public void sendToUser(String userId, Message.Server message) {
        sendToSessions(cluster.userSessions(userId), message);
    }

    /** Sends to each of these sessions (a user's, already read from the cluster), wherever they are connected. */
    public void sendToSessions(Collection<String> sessionIds, Message.Server message) {
        if (sessionIds.isEmpty()) {
            return;
        }
        String json = codec.encode(message);
        for (String sid : sessionIds) {
            sendJson(sid, json, null);
        }
    }

    /** The ids of the sessions connected to this node. */
    public List<String> localSessionIds() {
        return List.copyOf(local.keySet());
    }

    /** A message that another node published for one of our sessions. */
    public void fromBus(String sessionId, String json) {
        Session here = local.get(sessionId);
        if (here != null && here.send(json)) {
            return;
        }
        ClusterState.Delivery d = cluster.deliver(sessionId, json, maxOutbox, nodeId, null);
        if (d == ClusterState.Delivery.GONE) {
            log.debug("dropped a message for session {} which no longer exists", sessionId);
        }
    }
}
