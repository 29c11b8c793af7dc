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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

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
    private static final RedisScript REQUEST = queueScript("request.lua");
    private static final RedisScript DISPATCH = queueScript("dispatch.lua");
    private static final RedisScript ACCEPT = queueScript("accept.lua");
    private static final RedisScript DECLINE = clusterScript("decline.lua");
    private static final RedisScript RING_TIMEOUT = clusterScript("ringtimeout.lua");
    private static final RedisScript END = clusterScript("end.lua");
    private static final RedisScript JOIN = clusterScript("join.lua");
    private static final RedisScript REDEEM_GUEST = clusterScript("redeemguest.lua");

    private static final int EXPIRE_BATCH = 100;
    /**
     * When a call leaves a queue every call behind it moves up: the dispatch that follows tells the first {@value}
     * their new position, and {@link #POSITIONS_IN_TURN} more further back, taken in turn round the rest of the queue.
     * So a dispatch costs the same however long the queue, and a nurse far back hears her position at least once
     * every (length ÷ {@link #POSITIONS_IN_TURN}) calls that leave; until then the one she was told is too high, never
     * too low.
     */
    private static final int POSITIONS_AT_ONCE = 20;
    private static final int POSITIONS_IN_TURN = 30;
    /** A call's hash fields, in the order {@code pushCallAndSpecialist} of queue.lua answers them. */
    private static final String[] CALL_FIELDS = {"state", "specialty", "patientRef", "reason", "nurse", "nurseSid",
            "nurseName", "nurseDisp", "nurseProv", "specialist", "specialistSid", "appointmentId", "requestedAt",
            "jitsiRoom"};
    private static final Pattern STATUS_WORD = Pattern.compile("[A-Z_]{1,40}");
    private static final Logger log = LoggerFactory.getLogger(ClusterState.class);

    private final UnifiedJedis redis;
    private final RedisKeys keys;
    private final StateCipher cipher;
    private final ClusterBoard board;
    /**
     * The last status each specialist set through this node: all this node needs to put their presence back when
     * Redis lost it. The heartbeat forgets users who have had no session here for a while.
     */
    private final Map<String, StatusSet> statusSetHere = new ConcurrentHashMap<>();

    /** @param seen the last heartbeat that found the user connected here (or when they set it) */
    private record StatusSet(PresenceStatus status, Instant seen) {
    }

    /** A Lua script answered what this class does not expect of it (the script and this class disagree). */
    public static final class UnexpectedReply extends IllegalStateException {
        UnexpectedReply(RedisScript script, List<String> reply, RuntimeException cause) {
            super("unexpected reply from " + script + ": " + summary(reply), cause);
        }

        /** The status word that starts a reply, never the values after it (they may be sealed or personal). */
        private static String summary(List<String> reply) {
            if (reply.isEmpty()) {
                return "nothing";
            }
            String first = reply.get(0);
            String shown = first != null && STATUS_WORD.matcher(first).matches() ? first + ", " : "";
            return shown + reply.size() + " values";
        }
    }

    public ClusterState(UnifiedJedis redis, RedisKeys keys, StateCipher cipher) {
        this.redis = redis;
        this.keys = keys;
        this.cipher = cipher;
        this.board = new ClusterBoard(redis, keys);
    }

    public RedisKeys keys() {
        return keys;
    }

    /** Every script of this package starts with the functions of {@code common.lua}. */
    private static RedisScript clusterScript(String file) {
        return RedisScript.load(ClusterState.class, "common.lua", file);
    }

    /** The scripts that change a queue end with its dispatch, from {@code queue.lua}. */
    private static RedisScript queueScript(String file) {
        return RedisScript.load(ClusterState.class, "common.lua", "queue.lua", file);
    }

    /** A reply read in order, value after value. */
    private static final class ReplyReader {
        private final List<String> values;
        private int next;

        ReplyReader(List<String> values, int from) {
            this.values = values;
            this.next = from;
        }

        String next() {
            return values.get(next++);
        }

        int nextCount() {
            int n = Integer.parseInt(next());
            if (n < 0) {
                throw unexpected();
            }
            return n;
        }

        List<String> nextList() {
            int n = nextCount();
            List<String> out = new ArrayList<>(n);
            for (int k = 0; k < n; k++) {
                out.add(next());
            }
            return out;
        }

        void requireEnd() {
            if (next != values.size()) {
                throw unexpected();
            }
        }
    }

    /**
     * Runs a script and reads its reply with {@code read}; a reply {@code read} cannot make sense of (too short, a
     * number that is not one, an unknown status) is an {@link UnexpectedReply}.
     */
    private <T> T run(RedisScript script, Function<List<String>, T> read, Object... args) {
        List<String> reply = reply(script, args);
        try {
            return read.apply(reply);
        } catch (IndexOutOfBoundsException | IllegalArgumentException | NullPointerException e) {
            throw new UnexpectedReply(script, reply, e);
        }
    }

    /** Inside a reply reader: the reply is none of those the script may give. */
    private static IllegalArgumentException unexpected() {
        return new IllegalArgumentException("not a reply of this script");
    }

    private List<String> reply(RedisScript script, Object... args) {
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

    /** Throws the refusal a script answered with, as a {@link ProtocolException}; passes its successes. */
    private static void failIfError(List<String> reply) {
        String status = reply.get(0);
        if (!"OK".equals(status) && !"WAITING".equals(status) && !"ACTIVE".equals(status)) {
            ErrorCode code = ErrorCode.valueOf(status);
            throw new ProtocolException(code, describe(code));
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

    /** Records a new live session; returns the presence a specialist now shows (empty for other roles). */
    public Optional<PresenceStatus> register(String sessionId, Identity who, String nodeId, String secretHash,
                                             int maxConnections, long presenceTtlMs) {
        return run(REGISTER, r -> {
            failIfError(r);
            return r.get(1).isEmpty() ? Optional.<PresenceStatus>empty() : Optional.of(PresenceStatus.of(r.get(1)));
        }, sessionId, who.userId(), nodeId, secretHash, maxConnections, who.role().name(), who.displayName(),
                String.join(",", who.specialties()), presenceTtlMs);
    }

    /** A specialist whose presence the heartbeat put back, with the status they now have. */
    public record Reasserted(Identity specialist, PresenceStatus status) {
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
        Map<String, Boolean> lapsed = run(HEARTBEAT, r -> {
            Map<String, Boolean> guessedByUser = new LinkedHashMap<>();
            for (int i = 0; i < r.size(); i += 2) {
                guessedByUser.put(r.get(i), switch (r.get(i + 1)) {
                    case "gone" -> false;
                    case "guessed" -> true;
                    default -> throw unexpected();
                });
            }
            return guessedByUser;
        }, nodeId, now.toEpochMilli(), presenceTtlMs, List.copyOf(byUser.keySet()));
        List<Reasserted> out = new ArrayList<>();
        lapsed.forEach((user, guessed) -> {
            Identity who = byUser.get(user);
            StatusSet known = statusSetHere.get(user);
            if (who == null || (guessed && known == null)) {
                return;
            }
            run(REASSERT, r -> switch (r.get(0)) {
                case "OK" -> Optional.of(PresenceStatus.of(r.get(1)));
                case "KEPT", "GONE" -> Optional.<PresenceStatus>empty();
                default -> throw unexpected();
            }, nodeId, who.userId(), who.displayName(), String.join(",", who.specialties()),
                    known == null ? "" : known.status().value(), now.toEpochMilli(), presenceTtlMs)
                    .ifPresent(status -> out.add(new Reasserted(who, status)));
        });
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
        return run(PARK, r -> switch (r.get(0)) {
            case "OK" -> pairs(r, 1);
            case "NOT_OWNER" -> null;
            default -> throw unexpected();
        }, sessionId, nodeId, deadline.toEpochMilli(), keyTtlMs, seq, sealed);
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
        return run(DELIVER, r -> Delivery.valueOf(r.get(0)), sessionId, sealMessage(sessionId, json), maxOutbox,
                askingNode, callId);
    }

    /**
     * The messages {@link #deliver} stored for a session {@code node} holds while that node could not hear its
     * channel (a PUBLISH found no subscriber, as during a Redis failover before the node subscribed again): read and
     * removed at once, oldest first, each sealed as it would have been published.
     */
    public List<String> takeStored(String sessionId, String node) {
        return run(TAKE_STORED, r -> {
            List<String> sealed = new ArrayList<>();
            for (String entry : r) {
                int space = entry.indexOf(' ');
                if (space > 0) {
                    sealed.add(entry.substring(space + 1));
                }
            }
            return sealed;
        }, sessionId, node);
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

    /** The chief complaint of a call as stored ({@code null} when none, or when it does not open). */
    private String openReason(String callId, String stored) {
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
     * @param liveNode the node that still holds the session open, when the result is {@link ClaimResult#LIVE}
     * @param outbox   stored messages, "seq json"
     * @param reaped   the session was parked because its node died, so its sequence counter was lost
     */
    public record Claim(ClaimResult result, String liveNode, long seq, boolean reaped, List<String> outbox) {
    }

    public Claim claim(String sessionId, String secretHash, String userId, String nodeId, long presenceTtlMs,
                       Instant now) {
        return run(CLAIM, r -> switch (r.get(0)) {
            case "OK" -> new Claim(ClaimResult.RESUMED, null, Long.parseLong(r.get(1)), "1".equals(r.get(2)),
                    openOutbox(sessionId, r.subList(3, r.size())));
            case "LIVE" -> new Claim(ClaimResult.LIVE, r.get(1), 0, false, List.of());
            case "RESUME_INVALID" -> new Claim(ClaimResult.RESUME_INVALID, null, 0, false, List.of());
            case "RESUME_EXPIRED" -> new Claim(ClaimResult.RESUME_EXPIRED, null, 0, false, List.of());
            default -> throw unexpected();
        }, sessionId, secretHash, userId, nodeId, presenceTtlMs, now.toEpochMilli());
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
        return run(REAP, r -> pairs(r, 0), cutoff.toEpochMilli(), deadline.toEpochMilli(), keyTtlMs);
    }

    /** Parks the sessions a previous run of this node left behind (it restarted with the same node id). */
    public List<CallPeer> reapLeftovers(String nodeId, Instant deadline, long keyTtlMs) {
        return run(REAP, r -> pairs(r, 0), 0, deadline.toEpochMilli(), keyTtlMs, nodeId);
    }

    /** @param lastSession it was the user's last session: they are offline now */
    public record Forgotten(String sessionId, String userId, boolean lastSession, List<String> callIds) {
    }

    /** Forgets sessions whose resume window is over. */
    public List<Forgotten> expireParked(Instant now) {
        return run(EXPIRE, r -> {
            List<Forgotten> out = new ArrayList<>();
            int i = 0;
            while (i < r.size()) {
                String sid = r.get(i);
                String user = r.get(i + 1);
                boolean last = "1".equals(r.get(i + 2));
                int n = Integer.parseInt(r.get(i + 3));
                out.add(new Forgotten(sid, user, last, List.copyOf(r.subList(i + 4, i + 4 + n))));
                i += 4 + n;
            }
            return out;
        }, now.toEpochMilli(), EXPIRE_BATCH);
    }

    /** Forgets one session at once (its client said goodbye); returns the calls it was part of. */
    public Forgotten drop(String sessionId) {
        return run(DROP, r -> new Forgotten(sessionId, r.get(0), "1".equals(r.get(1)),
                List.copyOf(r.subList(2, r.size()))), sessionId);
    }

    public Set<String> sessionCalls(String sessionId) {
        return redis.smembers(keys.sessionCalls(sessionId));
    }

    // ------------------------------------------------------------------ presence

    /** The presence others saw before a specialist set a status, and the one they see now. */
    public record PresenceChange(PresenceStatus status, PresenceStatus before) {
    }

    public PresenceChange setPresence(String userId, PresenceStatus status, Instant now, long presenceTtlMs) {
        PresenceChange change = run(PRESENCE, r -> switch (r.get(0)) {
            case "OK" -> new PresenceChange(PresenceStatus.of(r.get(1)), PresenceStatus.of(r.get(2)));
            case "OFFLINE" -> null;
            default -> throw unexpected();
        }, userId, status.value(), now.toEpochMilli(), presenceTtlMs);
        if (change == null) {
            return new PresenceChange(PresenceStatus.OFFLINE, PresenceStatus.OFFLINE);
        }
        statusSetHere.put(userId, new StatusSet(status, now));
        return change;
    }

    // ------------------------------------------------------------------ calls

    public record UrgentRequest(String callId, String nurseId, String nurseSessionId, String specialty,
                                String patientRef, String reason, String nurseName, String dispensaryId,
                                String province) {
    }

    /** How long a ring lasts, and how long a call typically takes (for the wait a nurse is told). */
    public record QueueTimes(long ringTimeoutMs, long typicalCallMs) {
    }

    /**
     * Queues an urgent call, its chief complaint stored sealed (see {@link #openReason}), and dispatches its
     * specialty's queue in the same script run.
     */
    public Dispatch request(UrgentRequest q, Instant now, int maxPending, QueueTimes times) {
        String reason = q.reason() == null || q.reason().isEmpty() ? ""
                : cipher.seal(q.reason(), reasonContext(q.callId()));
        return run(REQUEST, r -> {
            failIfError(r);
            return wholeDispatchReply(r, 1);
        }, q.callId(), q.nurseId(), q.nurseSessionId(), q.specialty(), q.patientRef(), reason, q.nurseName(),
                q.dispensaryId(), q.province(), now.toEpochMilli(), maxPending, times.ringTimeoutMs(),
                times.typicalCallMs(), POSITIONS_AT_ONCE, POSITIONS_IN_TURN);
    }

    /**
     * A call now ringing a specialist, with what telling both sides needs (read in the same script run).
     *
     * @param call                the call as stored once ringing
     * @param specialistName      the name the specialist's presence shows ({@code null} when it is gone)
     * @param specialistSessions  the specialist's sessions, on any node
     */
    public record Ring(String callId, String specialistId, CallRecord call, String specialistName,
                       List<String> specialistSessions) {
    }

    public record Position(String callId, String nurseSessionId, int position, long estimatedWaitSeconds) {
    }

    public record Unserved(String callId, String nurseSessionId) {
    }

    /** @param queueLength the calls waiting (queued or ringing) for the specialty afterwards */
    public record Dispatch(List<Ring> rings, List<Position> positions, List<Unserved> unserved, int queueLength) {
    }

    public Dispatch dispatch(String specialty, Instant now, QueueTimes times) {
        return run(DISPATCH, r -> wholeDispatchReply(r, 0), specialty, now.toEpochMilli(), times.ringTimeoutMs(),
                times.typicalCallMs(), POSITIONS_AT_ONCE, POSITIONS_IN_TURN);
    }

    /** A reply that is, from {@code from} to its end, a dispatch's. */
    private Dispatch wholeDispatchReply(List<String> r, int from) {
        ReplyReader reply = new ReplyReader(r, from);
        Dispatch d = dispatchReply(reply);
        reply.requireEnd();
        return d;
    }

    private Dispatch dispatchReply(ReplyReader r) {
        int n = r.nextCount();
        List<Ring> rings = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            String callId = r.next();
            String specialistId = r.next();
            rings.add(new Ring(callId, specialistId, storedCall(callId, r), r.next(), r.nextList()));
        }
        int m = r.nextCount();
        List<Position> positions = new ArrayList<>(m);
        for (int k = 0; k < m; k++) {
            positions.add(new Position(r.next(), r.next(), Integer.parseInt(r.next()), Long.parseLong(r.next())));
        }
        int u = r.nextCount();
        List<Unserved> unserved = new ArrayList<>(u);
        for (int k = 0; k < u; k++) {
            unserved.add(new Unserved(r.next(), r.next()));
        }
        return new Dispatch(rings, positions, unserved, r.nextCount());
    }

    /**
     * A call just accepted, with what announcing it needs, and its specialty's queue dispatched afterwards (read in
     * the same script run).
     *
     * @param previouslyRung     the other specialist who was being rung for it, or ""
     * @param specialistName     the accepting specialist's name ({@code null} when their presence is gone)
     * @param specialistSessions the accepting specialist's sessions, on any node
     */
    public record Accepted(String previouslyRung, CallRecord call, String specialistName,
                           List<String> specialistSessions, Dispatch dispatch) {
    }

    /** Makes the call active with this specialist, then dispatches its specialty's queue. */
    public Accepted accept(String callId, Identity specialist, String sessionId, Instant now, QueueTimes times) {
        return run(ACCEPT, r -> {
            failIfError(r);
            ReplyReader reply = new ReplyReader(r, 1);
            String previouslyRung = reply.next();
            Accepted a = new Accepted(previouslyRung, storedCall(callId, reply), reply.next(), reply.nextList(),
                    dispatchReply(reply));
            reply.requireEnd();
            return a;
        }, callId, specialist.userId(), sessionId, String.join(",", specialist.specialties()), now.toEpochMilli(),
                times.ringTimeoutMs(), times.typicalCallMs(), POSITIONS_AT_ONCE, POSITIONS_IN_TURN);
    }

    /** Returns the specialty of the declined call. */
    public String decline(String callId, String specialistId, Instant now) {
        return run(DECLINE, r -> {
            failIfError(r);
            return r.get(1);
        }, callId, specialistId, now.toEpochMilli());
    }

    public record TimedOut(String callId, String specialistId, String specialty) {
    }

    public List<TimedOut> ringTimeouts(Instant now) {
        return run(RING_TIMEOUT, r -> {
            List<TimedOut> out = new ArrayList<>();
            for (int i = 0; i < r.size(); i += 3) {
                out.add(new TimedOut(r.get(i), r.get(i + 1), r.get(i + 2)));
            }
            return out;
        }, now.toEpochMilli());
    }

    /** A call just ended; ids it did not have are empty. */
    public record Ended(CallState previousState, String nurseId, String nurseSessionId, String specialistId,
                        String specialistSessionId, String ringingSpecialistId, String specialty,
                        String appointmentId) {
    }

    /** Ends a call; {@code byUser} null means the server ended it. */
    public Ended end(String callId, String byUser, String reason, Instant now, long keepMs) {
        return run(END, r -> {
            failIfError(r);
            return new Ended(CallState.of(r.get(1)), r.get(2), r.get(3), r.get(4), r.get(5), r.get(6), r.get(7),
                    r.get(8));
        }, callId, byUser == null ? "" : byUser, reason, now.toEpochMilli(), keepMs);
    }

    public record Joined(String callId, boolean active) {
    }

    public Joined join(String appointmentId, String newCallId, boolean asSpecialist, Identity who, String sessionId,
                       String specialty, String patientRef, Instant now) {
        return run(JOIN, r -> {
            failIfError(r);
            return switch (r.get(0)) {
                case "WAITING" -> new Joined(r.get(1), false);
                case "ACTIVE" -> new Joined(r.get(1), true);
                default -> throw unexpected();
            };
        }, appointmentId, newCallId, asSpecialist ? "specialist" : "nurse", who.userId(), sessionId,
                who.displayName(), who.dispensaryId(), who.province(), specialty, patientRef, now.toEpochMilli());
    }

    /** A call as stored; empty when unknown (never made, or ended long enough ago to be forgotten). */
    public Optional<CallRecord> call(String callId) {
        return Optional.ofNullable(callRecord(callId, new ReplyReader(redis.hmget(keys.call(callId), CALL_FIELDS), 0)));
    }

    /** A call a script has just changed, so it must be there. */
    private CallRecord storedCall(String callId, ReplyReader r) {
        CallRecord call = callRecord(callId, r);
        if (call == null) {
            throw unexpected();
        }
        return call;
    }

    /** Reads the {@link #CALL_FIELDS} of a call; {@code null} when it has no state (unknown). */
    private CallRecord callRecord(String callId, ReplyReader r) {
        String state = r.next();
        String specialty = r.next();
        String patientRef = r.next();
        String reason = r.next();
        String nurse = r.next();
        String nurseSid = r.next();
        String nurseName = r.next();
        String nurseDisp = r.next();
        String nurseProv = r.next();
        String specialist = r.next();
        String specialistSid = r.next();
        String appointmentId = r.next();
        String requestedAt = r.next();
        String jitsiRoom = r.next();
        if (state == null) {
            return null;
        }
        return new CallRecord(callId, CallState.of(state), specialty, patientRef, openReason(callId, reason), nurse,
                present(nurseSid), nurseName, present(nurseDisp), present(nurseProv), present(specialist),
                present(specialistSid), present(appointmentId),
                Instant.ofEpochMilli(requestedAt == null ? 0 : Long.parseLong(requestedAt)), present(jitsiRoom));
    }

    /** Empty text in a hash means "none". */
    private static String present(String stored) {
        return stored == null || stored.isEmpty() ? null : stored;
    }

    /**
     * The Jitsi Meet room of a call: the one it has, or {@code newRoom}, now its room, when it has none. Every
     * member who opens the room concurrently gets the same one.
     */
    public String jitsiRoom(String callId, String newRoom) {
        String key = keys.call(callId);
        redis.hsetnx(key, "jitsiRoom", newRoom);
        return redis.hget(key, "jitsiRoom");
    }

    /** A specialist's presence; empty when they have had no session for a while. */
    public Optional<Presence> presence(String userId) {
        return presence(userId, redis.hgetAll(keys.presence(userId)));
    }

    static Optional<Presence> presence(String userId, Map<String, String> h) {
        if (h.isEmpty()) {
            return Optional.empty();
        }
        String status = h.get("status");
        String specialties = h.getOrDefault("specialties", "");
        return Optional.of(new Presence(userId, h.get("name"),
                specialties.isEmpty() ? List.of() : List.of(specialties.split(",")),
                status == null ? null : PresenceStatus.of(status), present(h.get("call")), "1".equals(h.get("conn"))));
    }

    /** The name a specialist's presence shows; empty when it is gone. */
    public Optional<String> specialistName(String userId) {
        return Optional.ofNullable(redis.hget(keys.presence(userId), "name"));
    }

    /** The board's and metrics' view of the whole cluster. */
    public ClusterBoard board() {
        return board;
    }

    public Set<String> userSessions(String userId) {
        return redis.smembers(keys.userSessions(userId));
    }

    /** This node leaves the cluster (it stopped, or never started): no one waits for its heartbeat. */
    public void leave(String nodeId) {
        redis.zrem(keys.nodes(), nodeId);
    }

    /** Asks the node holding a session to park it and close its connection: a client resumes it elsewhere. */
    public void kick(String nodeId, String sessionId) {
        redis.publish(keys.nodeChannel(nodeId), NodeBus.KICK + sessionId);
    }

    /** Keeps a guest link under its ticket until {@code expiresAt}. */
    public void storeGuestLink(String ticket, GuestLink link, Instant expiresAt) {
        Map<String, String> fields = Map.of("call", link.callId(), "room", link.room(),
                "specialist", link.specialistId(), "guest", link.guestId(), "name", link.guestName(),
                "patient", link.patientRef() == null ? "" : link.patientRef(),
                "end", Long.toString(link.consultationEnd().toEpochMilli()));
        String key = keys.guestLink(ticket);
        try (AbstractTransaction tx = redis.multi()) {
            tx.hset(key, fields);
            tx.pexpireAt(key, expiresAt.toEpochMilli());
            tx.exec();
        }
    }

    /** A use of a guest link: {@code first} for the one use that admits, and the link. */
    public record GuestLinkUse(boolean first, GuestLink link) {
    }

    /** Uses a guest link; empty for an unknown or expired ticket. Exactly one use of a link is ever the first. */
    public Optional<GuestLinkUse> useGuestLink(String ticket, Instant now) {
        return run(REDEEM_GUEST, r -> {
            if (r.isEmpty()) {
                return Optional.<GuestLinkUse>empty();
            }
            boolean first = switch (r.get(0)) {
                case "FIRST" -> true;
                case "AGAIN" -> false;
                default -> throw unexpected();
            };
            Map<String, String> fields = new HashMap<>();
            for (int i = 1; i < r.size(); i += 2) {
                fields.put(r.get(i), r.get(i + 1));
            }
            String usedAt = fields.get("usedAt");
            return Optional.of(new GuestLinkUse(first, new GuestLink(fields.get("call"), fields.get("room"),
                    fields.get("specialist"), fields.get("guest"), fields.get("name"), present(fields.get("patient")),
                    Instant.ofEpochMilli(Long.parseLong(fields.get("end"))),
                    usedAt == null ? null : Instant.ofEpochMilli(Long.parseLong(usedAt)))));
        }, ticket, now.toEpochMilli());
    }
}
