package ma.tabiblink.records.breakglass;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ma.tabiblink.records.AccessPolicy;
import ma.tabiblink.records.Actor;
import ma.tabiblink.records.Ids;
import ma.tabiblink.records.RecordsError;
import ma.tabiblink.records.RecordsException;
import ma.tabiblink.records.RedisKeys;
import ma.tabiblink.records.ReplicaAcknowledgement;
import ma.tabiblink.records.audit.AuditAction;
import ma.tabiblink.records.audit.AuditLog;
import ma.tabiblink.redisscript.RedisScript;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * Emergency accesses under watch: each user may use break-glass at most {@link BreakGlassLimit#maxAccesses()} times
 * per window (an atomic count in Redis, shared by every node), and every granted access is registered as an open
 * alert until an administrator reviews it. The register lives in Redis, so the alert shows on every node's board.
 * The break-glass reason is kept as typed, as in the audit log's detail.
 */
public final class BreakGlassRegister {

    public static final int MAX_REVIEW_NOTE = 500;
    public static final int MAX_LISTED = 500;

    private final UnifiedJedis redis;
    private final Clock clock;
    private final AuditLog audit;
    private final AccessPolicy policy;
    private final BreakGlassLimit limit;
    private final ReplicaAcknowledgement acknowledgement;
    private final RedisScript allowScript = RedisScript.load(BreakGlassRegister.class, "allow.lua");

    public BreakGlassRegister(UnifiedJedis redis, Clock clock, AuditLog audit, AccessPolicy policy,
                              BreakGlassLimit limit, ReplicaAcknowledgement acknowledgement) {
        this.redis = redis;
        this.clock = clock;
        this.audit = audit;
        this.policy = policy;
        this.limit = limit;
        this.acknowledgement = acknowledgement;
    }

    /** The unreviewed accesses: how many, and the newest of them. */
    public record Alerts(long open, List<BreakGlassAccess> newest) {
    }

    public BreakGlassLimit limit() {
        return limit;
    }

    /** Counts an emergency-access attempt of the user against their limit; false (nothing counted) when over it. */
    public boolean allow(String userId) {
        Object r = allowScript.run(redis, List.of(RedisKeys.breakGlassRecent(userId)),
                List.of(Long.toString(clock.millis()), Long.toString(limit.window().toMillis()),
                        Integer.toString(limit.maxAccesses()), Ids.newId("bg")));
        return ((Long) r) == 1L;
    }

    /**
     * Registers a granted emergency access as an open alert, held by the replicas the acknowledgement asks for before
     * it returns (it is written after the access's audit entry, which confirmed only what came before).
     */
    public BreakGlassAccess record(Actor actor, String patientId, String noteId, int version, String reason) {
        String id = Ids.newId("bg");
        Instant at = clock.instant();
        Map<String, String> f = new LinkedHashMap<>();
        f.put("at", at.toString());
        f.put("actor", actor.userId());
        f.put("role", actor.role().name());
        f.put("from", actor.clientAddress());
        f.put("patient", patientId);
        f.put("note", noteId);
        f.put("version", Integer.toString(version));
        f.put("reason", reason);
        try (AbstractTransaction tx = redis.multi()) {
            tx.hset(RedisKeys.breakGlass(id), f);
            tx.zadd(RedisKeys.breakGlassAll(), at.toEpochMilli(), id);
            tx.zadd(RedisKeys.breakGlassOpen(), at.toEpochMilli(), id);
            tx.exec();
        }
        acknowledgement.confirm(redis);
        return fromHash(id, f);
    }

    /** Newest first, at most {@code max}; {@code openOnly} lists those not reviewed yet. Administrators only, audited. */
    public List<BreakGlassAccess> list(Actor actor, boolean openOnly, int max) {
        AuditLog.Event event = AuditLog.Event.success(AuditAction.AUDIT_EXPORT, "BreakGlass",
                openOnly ? "open" : "all", null);
        requireAdmin(actor, event);
        List<BreakGlassAccess> out = newest(openOnly ? RedisKeys.breakGlassOpen() : RedisKeys.breakGlassAll(), max);
        audit.record(actor, event.withDetail(out.size() + " emergency accesses listed"));
        return out;
    }

    /**
     * The open alerts for the administrators' live board, without an audit entry of their own (the board refreshes
     * every few seconds; the caller shows it to administrators only).
     */
    public Alerts alerts(int max) {
        return new Alerts(redis.zcard(RedisKeys.breakGlassOpen()), newest(RedisKeys.breakGlassOpen(), max));
    }

    /** Marks an access reviewed with the administrator's conclusion; the alert closes. Administrators only, audited. */
    public BreakGlassAccess review(Actor actor, String accessId, String note) {
        AuditLog.Event event = AuditLog.Event.success(AuditAction.BREAK_GLASS_REVIEW, "BreakGlass",
                String.valueOf(accessId), null);
        requireAdmin(actor, event);
        String conclusion = note == null ? "" : note.strip();
        if (conclusion.isEmpty() || conclusion.length() > MAX_REVIEW_NOTE) {
            throw RecordsException.invalid("A review needs a note of 1-" + MAX_REVIEW_NOTE + " characters");
        }
        Map<String, String> h = Ids.looksLike("bg", accessId) ? redis.hgetAll(RedisKeys.breakGlass(accessId)) : Map.of();
        if (h.isEmpty()) {
            throw new RecordsException(RecordsError.BREAK_GLASS_NOT_FOUND, "No emergency access " + accessId);
        }
        Map<String, String> review = Map.of("reviewedBy", actor.userId(), "reviewedAt", clock.instant().toString(),
                "reviewNote", conclusion);
        try (AbstractTransaction tx = redis.multi()) {
            tx.hset(RedisKeys.breakGlass(accessId), review);
            tx.zrem(RedisKeys.breakGlassOpen(), accessId);
            tx.exec();
        }
        audit.record(actor, AuditLog.Event.success(AuditAction.BREAK_GLASS_REVIEW, "BreakGlass", accessId,
                h.get("patient")).withDetail("reviewed"));
        Map<String, String> updated = new LinkedHashMap<>(h);
        updated.putAll(review);
        return fromHash(accessId, updated);
    }

    private void requireAdmin(Actor actor, AuditLog.Event event) {
        if (!policy.mayAdminister(actor)) {
            throw audit.denied(actor, event, "Only administrators review emergency accesses");
        }
    }

    private List<BreakGlassAccess> newest(String index, int max) {
        int n = Math.max(1, Math.min(max, MAX_LISTED));
        List<String> ids = redis.zrevrange(index, 0, n - 1L);
        List<Response<Map<String, String>>> rows = new ArrayList<>();
        try (AbstractPipeline p = redis.pipelined()) {
            for (String id : ids) {
                rows.add(p.hgetAll(RedisKeys.breakGlass(id)));
            }
            p.sync();
        }
        List<BreakGlassAccess> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            Map<String, String> h = rows.get(i).get();
            if (!h.isEmpty()) {
                out.add(fromHash(ids.get(i), h));
            }
        }
        return out;
    }

    private static BreakGlassAccess fromHash(String id, Map<String, String> h) {
        String reviewedAt = h.get("reviewedAt");
        return new BreakGlassAccess(id, Instant.parse(h.get("at")), h.get("actor"), h.get("role"), h.get("from"),
                h.get("patient"), h.get("note"), Integer.parseInt(h.getOrDefault("version", "0")), h.get("reason"),
                h.get("reviewedBy"), reviewedAt == null ? null : Instant.parse(reviewedAt), h.get("reviewNote"));
    }
}
