package ma.tabiblink.signaling.cluster;

import ma.tabiblink.redisscript.RedisScript;
import ma.tabiblink.signaling.auth.Identity;
import ma.tabiblink.signaling.protocol.ErrorCode;
import ma.tabiblink.signaling.protocol.ProtocolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.UnifiedJedis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The state shared by all signalling nodes, in Redis: sessions, presence, queues and calls. Every change that more
 * than one node could race on is one Lua script, so it is atomic. What must not be readable in Redis (a call's chief
 * complaint, messages stored for or passed to a session) crosses this class sealed by the {@link StateCipher}.
 */
public final class ClusterState {

    private static final RedisScript REGISTER = clusterScript("register.lua");
    private static final RedisScript PRESENCE = clusterScript("presence.lua");
    private static final RedisScript HEARTBEAT = clusterScript("heartbeat.lua");
    private static final RedisScript REASSERT = clusterScript("reassert.lua");
    private static final RedisScript PARK = clusterScript("park.lua");
    private static final RedisScript DELIVER = clusterScript("deliver.lua");
    private static final RedisScript TAKE_STORED = clusterScript("takestored.lua");
    private static final RedisScript CLAIM = clusterScript("claim.lua");
    private static final RedisScript REAP = clusterScript("reap.lua");
    private static final RedisScript EXPIRE = clusterScript("expire.lua");
    private static final RedisScript DROP = clusterScript("drop.lua");
    private static final RedisScript REQUEST = clusterScript("request.lua");
    private static final RedisScript DISPATCH = clusterScript("dispatch.lua");
    private static final RedisScript ACCEPT = clusterScript("accept.lua");
    private static final RedisScript DECLINE = clusterScript("decline.lua");
    private static final RedisScript RING_TIMEOUT = clusterScript("ringtimeout.lua");
    private static final RedisScript END = clusterScript("end.lua");
    private static final RedisScript JOIN = clusterScript("join.lua");
    private static final RedisScript REDEEM_GUEST = clusterScript("redeemguest.lua");

    private static final int EXPIRE_BATCH = 100;
    private static final Logger log = LoggerFactory.getLogger(ClusterState.class);

    private final UnifiedJedis redis;
    private final RedisKeys keys;
    private final StateCipher cipher;
    /**
     * The last status each specialist set through this node: all this node needs to put their presence back when
     * Redis lost it. The heartbeat forgets users who have had no session here for a while.
     */
    private final Map<String, StatusSet> statusSetHere = new ConcurrentHashMap<>();

    /** @param seen the last heartbeat that found the user connected here (or when they set it) */
    private record StatusSet(String status, Instant seen) {
    }

    public ClusterState(UnifiedJedis redis, RedisKeys keys, StateCipher cipher) {
        this.redis = redis;
        this.keys = keys;
        this.cipher = cipher;
    }

    public RedisKeys keys() {
        return keys;
    }

    /** Every script of this package starts with the functions of {@code common.lua}. */
    private static RedisScript clusterScript(String file) {
        return RedisScript.load(ClusterState.class, "common.lua", file);
    }

    private List<String> run(RedisScript script, Object... args) {
        List<String> argv = new ArrayList<>(args.length + 1);
        argv.add(keys.prefix());
        for (Object a : args) {
            if (a instanceof List<?> list) {
                list.forEach(x -> argv.add(String.valueOf(x)));
            } else {
                argv.add(a == null ? "" : String.valueOf(a));
            }
        }
        Object result = script.run(redis, List.of(), argv);
        List<String> out = new ArrayList<>();
        if (result instanceof List<?> list) {
            list.forEach(x -> out.add(x == null ? null : String.valueOf(x)));
        } else if (result != null) {
            out.add(String.valueOf(result));
        }
        return out;
    }

    private static void failIfError(List<String> reply, String message) {
        if (reply.isEmpty()) {
            throw new IllegalStateException("empty reply from Redis script");
        }
        String status = reply.get(0);
        if (!"OK".equals(status) && !"WAITING".equals(status) && !"ACTIVE".equals(status)) {
            ErrorCode code = ErrorCode.valueOf(status);
            throw new ProtocolException(code, message == null ? describe(code) : message);
        }
    }

    private static String describe(ErrorCode code) {
        return switch (code) {
            case UNKNOWN_CALL -> "no such call";
            case NOT_IN_CALL -> "you are not a member of this call";
            case SPECIALTY_NOT_ALLOWED -> "this call is for a specialty you do not practise";
            case CALL_TAKEN -> "this call has already been taken";
            case CALL_ENDED -> "this call has ended";
            case CALL_NOT_RINGING -> "this call is not ringing you";
            case ALREADY_IN_CALL -> "you are already in a call";
            case TOO_MANY_PENDING_CALLS -> "you already have the maximum number of calls waiting";
            case TOO_MANY_CONNECTIONS -> "too many open connections for this user";
            default -> code.name().toLowerCase().replace('_', ' ');
        };
    }

    // ------------------------------------------------------------------ sessions

    /** Records a new live session; returns the specialist's presence status ("" for other roles). */
    public String register(String sessionId, Identity who, String nodeId, String secretHash, int maxConnections,
                           long presenceTtlMs) {
        List<String> r = run(REGISTER, sessionId, who.userId(), nodeId, secretHash, maxConnections, who.role().name(),
                who.displayName(), String.join(",", who.specialties()), presenceTtlMs);
        failIfError(r, null);
        return r.get(1);
    }

    /** A specialist whose presence the heartbeat put back, with the status they now have. */
    public record Reasserted(Identity specialist, String status) {
    }

    /**
     * Renews this node's heartbeat and the presence of the specialists connected here; a presence Redis lost (an
     * outage longer than its lifetime, lost writes) is put back with the status last set through this node, busy
     * when the specialist is in a call. Returns the presences put back.
     *
     * @param specialistsHere identities of the specialists' sessions open on this node, listed after {@code now}
     * @param rememberAbsent  how long to keep the status of a specialist gone from this node (they may resume here)
     */
    public List<Reasserted> heartbeat(String nodeId, Instant now, long presenceTtlMs,
                                      Collection<Identity> specialistsHere, Duration rememberAbsent) {
        Map<String, Identity> byUser = new HashMap<>();
        specialistsHere.forEach(who -> byUser.put(who.userId(), who));
        statusSetHere.replaceAll((user, known) -> byUser.containsKey(user) && known.seen().isBefore(now)
                ? new StatusSet(known.status(), now) : known);
        statusSetHere.values().removeIf(known -> known.seen().isBefore(now.minus(rememberAbsent)));
        List<String> flagged = run(HEARTBEAT, nodeId, now.toEpochMilli(), presenceTtlMs, List.copyOf(byUser.keySet()));
        List<Reasserted> out = new ArrayList<>();
        for (int i = 0; i + 1 < flagged.size(); i += 2) {
            Identity who = byUser.get(flagged.get(i));
            StatusSet known = statusSetHere.get(flagged.get(i));
            if (who == null || ("guessed".equals(flagged.get(i + 1)) && known == null)) {
                continue;
            }
            List<String> r = run(REASSERT, nodeId, who.userId(), who.displayName(), String.join(",", who.specialties()),
                    known == null ? "" : known.status(), now.toEpochMilli(), presenceTtlMs);
            if ("OK".equals(r.get(0))) {
                out.add(new Reasserted(who, r.get(1)));
            }
        }
        return out;
    }

    /** A call of a parked session and the session id of its other member. */
    public record CallPeer(String callId, String peerSessionId) {
    }

    private static List<CallPeer> pairs(List<String> r, int from) {
        List<CallPeer> out = new ArrayList<>();
        for (int i = from; i + 1 < r.size(); i += 2) {
            out.add(new CallPeer(r.get(i), r.get(i + 1)));
        }
        return out;
    }

    /**
     * Parks a session owned by this node so that any node can resume it; {@code outbox} holds the messages the
     * client may have missed ("seq json"). Returns the active calls whose peer must hear "reconnecting", or
     * {@code null} when this node no longer owns the session.
     */
    public List<CallPeer> park(String sessionId, String nodeId, Instant deadline, long keyTtlMs, long seq,
                               List<String> outbox) {
        List<String> sealed = new ArrayList<>(outbox.size());
        for (String stored : outbox) {
            int space = stored.indexOf(' ');
            sealed.add(stored.substring(0, space + 1) + sealMessage(sessionId, stored.substring(space + 1)));
        }
        List<String> r = run(PARK, sessionId, nodeId, deadline.toEpochMilli(), keyTtlMs, seq, sealed);
        return "OK".equals(r.get(0)) ? pairs(r, 1) : null;
    }

    /** What became of a message handed to Redis for a session this node does not hold. */
    public enum Delivery { SENT, STORED, GONE, NOT_ACTIVE }

    /**
     * Delivers server-message JSON to a session on another node, or stores it while the session is parked.
     *
     * @param askingNode this node: a session Redis believes is here but is not is reported {@code GONE}
     * @param callId     when not null, the message is only delivered while that call is active
     */
    public Delivery deliver(String sessionId, String json, int maxOutbox, String askingNode, String callId) {
        return Delivery.valueOf(run(DELIVER, sessionId, sealMessage(sessionId, json), maxOutbox, askingNode, callId)
                .get(0));
    }

    /**
     * The messages {@link #deliver} stored for a session {@code node} holds while that node could not hear its
     * channel (a PUBLISH found no subscriber, as during a Redis failover before the node subscribed again): read and
     * removed at once, oldest first, each sealed as it would have been published.
     */
    public List<String> takeStored(String sessionId, String node) {
        List<String> sealed = new ArrayList<>();
        for (String entry : run(TAKE_STORED, sessionId, node)) {
            int space = entry.indexOf(' ');
            if (space > 0) {
                sealed.add(entry.substring(space + 1));
            }
        }
        return sealed;
    }

    /**
     * The server-message JSON another node published for a session held here (it travels sealed, as
     * {@link #deliver} sent it); {@code null} when it does not open.
     */
    public String openDelivered(String sessionId, String sealed) {
        try {
            return cipher.open(sealed, messageContext(sessionId));
        } catch (StateCipher.Unreadable e) {
            log.warn("a message from another node does not open ({}); is the signalling state key the same on every"
                    + " node?", e.getMessage());
            return null;
        }
    }

    private String sealMessage(String sessionId, String json) {
        return cipher.seal(json, messageContext(sessionId));
    }

    private static String messageContext(String sessionId) {
        return "msg|" + sessionId;
    }

    private static String reasonContext(String callId) {
        return "reason|" + callId;
    }

    /** The chief complaint of a call as stored ({@code null} or empty when none, or when it does not open). */
    public String openReason(String callId, String stored) {
        if (stored == null || stored.isEmpty()) {
            return null;
        }
        try {
            return cipher.open(stored, reasonContext(callId));
        } catch (StateCipher.Unreadable e) {
            log.warn("the reason of a call does not open ({}); is the signalling state key the same on every node?",
                    e.getMessage());
            return null;
        }
    }

    /**
     * @param liveNode the node that still holds the session open, when status is {@code LIVE}
     * @param outbox   stored messages, "seq json"
     * @param reaped   the session was parked because its node died, so its sequence counter was lost
     */
    public record Claim(String status, String liveNode, long seq, boolean reaped, List<String> outbox) {
    }

    public Claim claim(String sessionId, String secretHash, String userId, String nodeId, long presenceTtlMs,
                       Instant now) {
        List<String> r = run(CLAIM, sessionId, secretHash, userId, nodeId, presenceTtlMs, now.toEpochMilli());
        return switch (r.get(0)) {
            case "OK" -> new Claim("OK", null, Long.parseLong(r.get(1)), "1".equals(r.get(2)),
                    openOutbox(sessionId, r.subList(3, r.size())));
            case "LIVE" -> new Claim("LIVE", r.get(1), 0, false, List.of());
            default -> new Claim(r.get(0), null, 0, false, List.of());
        };
    }

    /** Opens the stored messages ("seq sealed") of a claimed session; one that does not open is left out. */
    private List<String> openOutbox(String sessionId, List<String> stored) {
        List<String> out = new ArrayList<>(stored.size());
        int unreadable = 0;
        for (String entry : stored) {
            int space = entry.indexOf(' ');
            try {
                out.add(entry.substring(0, space + 1)
                        + cipher.open(entry.substring(space + 1), messageContext(sessionId)));
            } catch (StateCipher.Unreadable | StringIndexOutOfBoundsException e) {
                unreadable++;
            }
        }
        if (unreadable > 0) {
            log.warn("{} stored messages of a resumed session do not open; is the signalling state key the same on"
                    + " every node?", unreadable);
        }
        return List.copyOf(out);
    }

    /** Parks the sessions of nodes that stopped beating; returns the calls whose peer must hear "reconnecting". */
    public List<CallPeer> reapDeadNodes(Instant cutoff, Instant deadline, long keyTtlMs) {
        return pairs(run(REAP, cutoff.toEpochMilli(), deadline.toEpochMilli(), keyTtlMs), 0);
    }

    /** Parks the sessions a previous run of this node left behind (it restarted with the same node id). */
    public List<CallPeer> reapLeftovers(String nodeId, Instant deadline, long keyTtlMs) {
        return pairs(run(REAP, 0, deadline.toEpochMilli(), keyTtlMs, nodeId), 0);
    }

    /** @param lastSession it was the user's last session: they are offline now */
    public record Forgotten(String sessionId, String userId, boolean lastSession, List<String> callIds) {
    }

    /** Forgets sessions whose resume window is over. */
    public List<Forgotten> expireParked(Instant now) {
        List<String> r = run(EXPIRE, now.toEpochMilli(), EXPIRE_BATCH);
        List<Forgotten> out = new ArrayList<>();
        int i = 0;
        while (i + 3 < r.size()) {
            String sid = r.get(i);
            String user = r.get(i + 1);
            boolean last = "1".equals(r.get(i + 2));
            int n = Integer.parseInt(r.get(i + 3));
            out.add(new Forgotten(sid, user, last, List.copyOf(r.subList(i + 4, i + 4 + n))));
            i += 4 + n;
        }
        return out;
    }

    /** Forgets one session at once (its client said goodbye); returns the calls it was part of. */
    public Forgotten drop(String sessionId) {
        List<String> r = run(DROP, sessionId);
        return new Forgotten(sessionId, r.get(0), "1".equals(r.get(1)), List.copyOf(r.subList(2, r.size())));
    }

    public Set<String> sessionCalls(String sessionId) {
        return redis.smembers(keys.sessionCalls(sessionId));
    }

    // ------------------------------------------------------------------ presence

    public record PresenceChange(String status, String before) {
    }

    public PresenceChange setPresence(String userId, String status, Instant now, long presenceTtlMs) {
        List<String> r = run(PRESENCE, userId, status, now.toEpochMilli(), presenceTtlMs);
        if (!"OK".equals(r.get(0))) {
            return new PresenceChange("offline", "offline");
        }
        statusSetHere.put(userId, new StatusSet(status, now));
        return new PresenceChange(r.get(1), r.get(2));
    }

    // ------------------------------------------------------------------ calls

    public record UrgentRequest(String callId, String nurseId, String nurseSessionId, String specialty,
                                String patientRef, String reason, String nurseName, String dispensaryId,
                                String province) {
    }

    /** Queues an urgent call; its chief complaint is stored sealed (see {@link #openReason}). */
    public void request(UrgentRequest q, Instant now, int maxPending) {
        String reason = q.reason() == null || q.reason().isEmpty() ? ""
                : cipher.seal(q.reason(), reasonContext(q.callId()));
        failIfError(run(REQUEST, q.callId(), q.nurseId(), q.nurseSessionId(), q.specialty(), q.patientRef(),
                reason, q.nurseName(), q.dispensaryId(), q.province(), now.toEpochMilli(), maxPending), null);
    }

    public record Ring(String callId, String specialistId) {
    }

    public record Position(String callId, String nurseSessionId, int position, long estimatedWaitSeconds) {
    }

    public record Unserved(String callId, String nurseSessionId) {
    }

    public record Dispatch(List<Ring> rings, List<Position> positions, List<Unserved> unserved) {
    }

    public Dispatch dispatch(String specialty, Instant now, long ringTimeoutMs, long typicalCallMs) {
        List<String> r = run(DISPATCH, specialty, now.toEpochMilli(), ringTimeoutMs, typicalCallMs);
        int i = 0;
        int n = Integer.parseInt(r.get(i++));
        List<Ring> rings = new ArrayList<>();
        for (int k = 0; k < n; k++, i += 2) {
            rings.add(new Ring(r.get(i), r.get(i + 1)));
        }
        int m = Integer.parseInt(r.get(i++));
        List<Position> positions = new ArrayList<>();
        for (int k = 0; k < m; k++, i += 4) {
            positions.add(new Position(r.get(i), r.get(i + 1), Integer.parseInt(r.get(i + 2)),
                    Long.parseLong(r.get(i + 3))));
        }
        int u = Integer.parseInt(r.get(i++));
        List<Unserved> unserved = new ArrayList<>();
        for (int k = 0; k < u; k++, i += 2) {
            unserved.add(new Unserved(r.get(i), r.get(i + 1)));
        }
        return new Dispatch(rings, positions, unserved);
    }

    /** Makes the call active with this specialist; returns the other specialist who was being rung, or "". */
    public String accept(String callId, Identity specialist, String sessionId, Instant now) {
        List<String> r = run(ACCEPT, callId, specialist.userId(), sessionId, String.join(",", specialist.specialties()),
                now.toEpochMilli());
        failIfError(r, null);
        return r.get(1);
    }

    /** Returns the specialty of the declined call. */
    public String decline(String callId, String specialistId, Instant now) {
        List<String> r = run(DECLINE, callId, specialistId, now.toEpochMilli());
        failIfError(r, null);
        return r.get(1);
    }

    public record TimedOut(String callId, String specialistId, String specialty) {
    }

    public List<TimedOut> ringTimeouts(Instant now) {
        List<String> r = run(RING_TIMEOUT, now.toEpochMilli());
        List<TimedOut> out = new ArrayList<>();
        for (int i = 0; i + 2 < r.size(); i += 3) {
            out.add(new TimedOut(r.get(i), r.get(i + 1), r.get(i + 2)));
        }
        return out;
    }

    public record Ended(String previousState, String nurseId, String nurseSessionId, String specialistId,
                        String specialistSessionId, String ringingSpecialistId, String specialty,
                        String appointmentId) {
    }

    /** Ends a call; {@code byUser} null means the server ended it. */
    public Ended end(String callId, String byUser, String reason, Instant now, long keepMs) {
        List<String> r = run(END, callId, byUser == null ? "" : byUser, reason, now.toEpochMilli(), keepMs);
        failIfError(r, null);
        return new Ended(r.get(1), r.get(2), r.get(3), r.get(4), r.get(5), r.get(6), r.get(7), r.get(8));
    }

    public record Joined(String callId, boolean active) {
    }

    public Joined join(String appointmentId, String newCallId, boolean asSpecialist, Identity who, String sessionId,
                       String specialty, String patientRef, Instant now) {
        List<String> r = run(JOIN, appointmentId, newCallId, asSpecialist ? "specialist" : "nurse", who.userId(),
                sessionId, who.displayName(), who.dispensaryId(), who.province(), specialty, patientRef,
                now.toEpochMilli());
        failIfError(r, null);
        return new Joined(r.get(1), "ACTIVE".equals(r.get(0)));
    }

    /** The stored fields of a call (empty when unknown). */
    public Map<String, String> call(String callId) {
        return redis.hgetAll(keys.call(callId));
    }

    public Set<String> userSessions(String userId) {
        return redis.smembers(keys.userSessions(userId));
    }

    public UnifiedJedis redis() {
        return redis;
    }

    /** Keeps a guest link's fields until {@code expiresAt}. */
    public void storeGuestLink(String ticket, Map<String, String> fields, Instant expiresAt) {
        String key = keys.guestLink(ticket);
        try (AbstractTransaction tx = redis.multi()) {
            tx.hset(key, fields);
            tx.pexpireAt(key, expiresAt.toEpochMilli());
            tx.exec();
        }
    }

    /** A use of a guest link: {@code first} for the one use that admits, and the link's fields. */
    public record GuestLinkUse(boolean first, Map<String, String> link) {
    }

    /** Uses a guest link; empty for an unknown or expired ticket. Exactly one use of a link is ever the first. */
    public Optional<GuestLinkUse> useGuestLink(String ticket, Instant now) {
        List<String> r = run(REDEEM_GUEST, ticket, now.toEpochMilli());
        if (r.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> fields = new HashMap<>();
        for (int i = 1; i + 1 < r.size(); i += 2) {
            fields.put(r.get(i), r.get(i + 1));
        }
        return Optional.of(new GuestLinkUse("FIRST".equals(r.get(0)), fields));
    }
}
