package ma.tabiblink.records.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import ma.tabiblink.records.Actor;
import ma.tabiblink.records.LuaScript;
import ma.tabiblink.records.RecordsError;
import ma.tabiblink.records.RecordsException;
import ma.tabiblink.records.RedisKeys;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Append-only, hash-chained audit log in a Redis stream. Each entry carries a sequence number, the previous entry's
 * hash and its own hash, an HMAC-SHA256 (key from the records keystore) over all its fields: editing an entry breaks
 * its hash, deleting one breaks the sequence and the link of its successor, dropping the newest ones no longer
 * matches the head record. Appends are compare-and-set on the head (Lua), so concurrent writers on several nodes
 * still form one chain.
 */
public final class AuditLog {

    private static final int MAX_APPEND_ATTEMPTS = 64;
    private static final int PAGE = 500;
    private static final HexFormat HEX = HexFormat.of();

    private final UnifiedJedis redis;
    private final Clock clock;
    private final Supplier<SecretKey> macKey;
    private final LuaScript append = LuaScript.load(AuditLog.class, "append.lua");
    private String headHash = "";
    private long headSeq = 0;

    public AuditLog(UnifiedJedis redis, Clock clock, Supplier<SecretKey> macKey) {
        this.redis = redis;
        this.clock = clock;
        this.macKey = macKey;
    }

    /** What to record; {@code patientId} and {@code detail} may be null. */
    public record Event(AuditAction action, AuditOutcome outcome, String entityType, String entityId,
                        String patientId, String detail) {

        public static Event success(AuditAction action, String entityType, String entityId, String patientId) {
            return new Event(action, AuditOutcome.SUCCESS, entityType, entityId, patientId, null);
        }

        public Event withDetail(String text) {
            return new Event(action, outcome, entityType, entityId, patientId, text);
        }

        public Event withOutcome(AuditOutcome o) {
            return new Event(action, o, entityType, entityId, patientId, detail);
        }
    }

    /** Appends an entry; a failure to audit fails the caller's operation (nothing is read without a trace). */
    public synchronized AuditEntry record(Actor actor, Event event) {
        Instant at = clock.instant();
        try {
            for (int attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
                long seq = headSeq + 1;
                Map<String, String> fields = fields(seq, at, actor, event, headHash);
                String hash = mac(fields);
                List<String> args = new ArrayList<>(List.of(headHash, Long.toString(headSeq), hash, Long.toString(seq)));
                fields.forEach((k, v) -> {
                    args.add(k);
                    args.add(v);
                });
                args.add("hash");
                args.add(hash);
                List<?> result = (List<?>) append.run(redis,
                        List.of(RedisKeys.auditStream(), RedisKeys.auditHead()), args);
                if (((Long) result.get(0)) == 1L) {
                    String prev = headHash;
                    headHash = hash;
                    headSeq = seq;
                    return toEntry((String) result.get(1), fields, prev, hash);
                }
                headHash = (String) result.get(1);
                headSeq = Long.parseLong((String) result.get(2));
            }
        } catch (JedisException e) {
            throw new RecordsException(RecordsError.AUDIT_UNAVAILABLE, "The audit log cannot be written", e);
        }
        throw new RecordsException(RecordsError.AUDIT_UNAVAILABLE, "The audit log is too busy; try again");
    }

    /** Records a refused attempt and returns the error to throw. */
    public RecordsException denied(Actor actor, Event event, String message) {
        record(actor, event.withOutcome(AuditOutcome.DENIED));
        return RecordsException.denied(message);
    }

    /** Walks the whole chain from the first entry and checks every link and MAC, then the head record. */
    public ChainVerification verify() {
        String prev = "";
        long expectedSeq = 1;
        long checked = 0;
        String cursor = "-";
        try {
            while (true) {
                List<StreamEntry> page = redis.xrange(RedisKeys.auditStream(), cursor, "+", PAGE);
                int start = cursor.equals("-") ? 0 : 1;
                if (page.size() <= start) {
                    break;
                }
                for (int i = start; i < page.size(); i++) {
                    Map<String, String> f = page.get(i).getFields();
                    checked++;
                    long seq = parseSeq(f.get("seq"));
                    if (seq != expectedSeq) {
                        return broken(checked, expectedSeq, "entry " + expectedSeq + " is missing (found " + seq + ")");
                    }
                    if (!prev.equals(f.get("prev"))) {
                        return broken(checked, seq, "entry " + seq + " does not link to the previous entry");
                    }
                    Map<String, String> signed = new LinkedHashMap<>(f);
                    String hash = signed.remove("hash");
                    if (hash == null || !hash.equals(mac(ordered(signed)))) {
                        return broken(checked, seq, "entry " + seq + " was altered (hash mismatch)");
                    }
                    prev = hash;
                    expectedSeq++;
                }
                cursor = page.get(page.size() - 1).getID().toString();
            }
            Map<String, String> head = redis.hgetAll(RedisKeys.auditHead());
            String headHashStored = head.getOrDefault("hash", "");
            long headSeqStored = parseSeq(head.getOrDefault("seq", "0"));
            if (headSeqStored != expectedSeq - 1 || !headHashStored.equals(prev)) {
                return broken(checked, expectedSeq, "the newest entries are missing (head is at " + headSeqStored + ")");
            }
        } catch (JedisException e) {
            throw new RecordsException(RecordsError.AUDIT_UNAVAILABLE, "The audit log cannot be read", e);
        }
        return new ChainVerification(true, checked, 0, "ok");
    }

    /** Entries oldest first, starting after {@code afterStreamId} (null for the start), at most {@code count}. */
    public List<AuditEntry> entries(String afterStreamId, int count) {
        String start = afterStreamId == null ? "-" : "(" + new StreamEntryID(afterStreamId);
        try {
            List<AuditEntry> out = new ArrayList<>();
            for (StreamEntry e : redis.xrange(RedisKeys.auditStream(), start, "+", count)) {
                Map<String, String> f = e.getFields();
                try {
                    out.add(toEntry(e.getID().toString(), f, f.get("prev"), f.get("hash")));
                } catch (RuntimeException malformed) {
                    throw RecordsException.integrity("Audit entry " + e.getID() + " is malformed; run the audit verify");
                }
            }
            return out;
        } catch (IllegalArgumentException e) {
            throw RecordsException.invalid("Not an audit entry id: " + afterStreamId);
        } catch (JedisException e) {
            throw new RecordsException(RecordsError.AUDIT_UNAVAILABLE, "The audit log cannot be read", e);
        }
    }

    private static ChainVerification broken(long checked, long seq, String problem) {
        return new ChainVerification(false, checked, seq, problem);
    }

    private static long parseSeq(String s) {
        try {
            return s == null ? -1 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Map<String, String> fields(long seq, Instant at, Actor actor, Event e, String prev) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("seq", Long.toString(seq));
        f.put("at", at.toString());
        f.put("actor", actor.userId());
        f.put("role", actor.role().name());
        f.put("from", actor.clientAddress());
        f.put("action", e.action().name());
        f.put("outcome", e.outcome().name());
        f.put("entityType", e.entityType());
        f.put("entityId", e.entityId());
        f.put("patient", e.patientId() == null ? "" : e.patientId());
        f.put("detail", e.detail() == null ? "" : e.detail());
        f.put("prev", prev);
        return f;
    }

    private static final List<String> FIELD_ORDER = List.of("seq", "at", "actor", "role", "from", "action", "outcome",
            "entityType", "entityId", "patient", "detail", "prev");

    private static Map<String, String> ordered(Map<String, String> f) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : FIELD_ORDER) {
            out.put(k, f.getOrDefault(k, ""));
        }
        if (f.size() != FIELD_ORDER.size()) {
            out.put("unexpected-fields", String.valueOf(f.keySet()));
        }
        return out;
    }

    private String mac(Map<String, String> fields) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(macKey.get().getEncoded(), "HmacSHA256"));
            for (Map.Entry<String, String> e : fields.entrySet()) {
                byte[] v = e.getValue().getBytes(StandardCharsets.UTF_8);
                mac.update((e.getKey() + ":" + v.length + ":").getBytes(StandardCharsets.UTF_8));
                mac.update(v);
            }
            return HEX.formatHex(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }

    private static AuditEntry toEntry(String id, Map<String, String> f, String prev, String hash) {
        return new AuditEntry(id, parseSeq(f.get("seq")), Instant.parse(f.get("at")), f.get("actor"), f.get("role"),
                f.get("from"), AuditAction.valueOf(f.get("action")), AuditOutcome.valueOf(f.get("outcome")),
                f.get("entityType"), f.get("entityId"), emptyToNull(f.get("patient")), emptyToNull(f.get("detail")),
                prev, hash);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
