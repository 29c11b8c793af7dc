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
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import ma.tabiblink.records.Actor;
import ma.tabiblink.records.RecordsError;
import ma.tabiblink.records.RecordsException;
import ma.tabiblink.records.RedisKeys;
import ma.tabiblink.records.ReplicaAcknowledgement;
import ma.tabiblink.redisscript.RedisScript;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Append-only, hash-chained audit log in a Redis stream. Each entry carries a sequence number, the previous entry's
 * hash and its own hash, an HMAC-SHA256 (key from the records keystore) over all its fields: editing an entry breaks
 * its hash, deleting one breaks the sequence and the link of its successor, dropping the newest ones no longer
 * matches the head record, and the head record carries a MAC of its own, so it cannot be pointed back at an older
 * entry without the key. An older genuine head put back (copied earlier, or read from an old AOF) is caught by
 * checkpoints kept off the server ({@link #checkpoint()}, {@link #verify(List)}). Appends are compare-and-set on the
 * head (Lua), so concurrent writers on several nodes still form one chain. The entries that threads of one node record
 * while an append is on its way to Redis wait and go together in the next append (one round trip for many): a burst
 * of audited reads does not queue up one round trip each behind the lock that orders the chain.
 *
 * <p>With a {@link ReplicaAcknowledgement}, an entry is reported recorded only once replicas hold it, and with it every
 * write of the operation it ends (see {@link #record}).
 */
public final class AuditLog {

    private static final int MAX_APPEND_ATTEMPTS = 64;
    private static final int MAX_ENTRIES_PER_APPEND = 64;
    private static final int PAGE = 500;
    private static final HexFormat HEX = HexFormat.of();

    private final UnifiedJedis redis;
    private final Clock clock;
    private final Supplier<SecretKey> macKey;
    private final ReplicaAcknowledgement acknowledgement;
    private final RedisScript append = RedisScript.load(AuditLog.class, "append.lua");
    private final Queue<Pending> waiting = new ConcurrentLinkedQueue<>();
    private String headHash = "";
    private long headSeq = 0;

    /** An entry a thread waits to see appended, and what became of it (read and written under the append lock). */
    private static final class Pending {
        final Actor actor;
        final Event event;
        AuditEntry entry;
        RuntimeException failure;

        Pending(Actor actor, Event event) {
            this.actor = actor;
            this.event = event;
        }

        boolean done() {
            return entry != null || failure != null;
        }
    }

    public AuditLog(UnifiedJedis redis, Clock clock, Supplier<SecretKey> macKey) {
        this(redis, clock, macKey, ReplicaAcknowledgement.NONE);
    }

    /** @param acknowledgement how many replicas must hold an entry before {@link #record} returns */
    public AuditLog(UnifiedJedis redis, Clock clock, Supplier<SecretKey> macKey,
                    ReplicaAcknowledgement acknowledgement) {
        this.redis = redis;
        this.clock = clock;
        this.macKey = macKey;
        this.acknowledgement = acknowledgement;
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

    /**
     * Appends an entry; a failure to audit fails the caller's operation (nothing is read without a trace). With a
     * {@link ReplicaAcknowledgement}, returns only once replicas hold the entry and everything written before it: the
     * operation the entry ends is then safe from a failover. When they do not in time, {@code NOT_REPLICATED}: the entry
     * and the operation's writes stay on the primary. The wait happens outside the lock that orders appends, so a slow
     * replica delays each operation once, not every other operation of the node behind it.
     */
    public AuditEntry record(Actor actor, Event event) {
        AuditEntry entry = append(actor, event);
        try {
            acknowledgement.confirm(redis);
        } catch (JedisException e) {
            throw new RecordsException(RecordsError.AUDIT_UNAVAILABLE, "The audit log cannot be written", e);
        }
        return entry;
    }

    private AuditEntry append(Actor actor, Event event) {
        Pending mine = new Pending(actor, event);
        waiting.add(mine);
        synchronized (this) {
            while (!mine.done()) {
                appendWaiting();
            }
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        return mine.entry;
    }

    /** Appends the entries waiting (as many as one append takes) in one round trip; each learns its outcome. */
    private void appendWaiting() {
        List<Pending> batch = new ArrayList<>();
        for (Pending p; batch.size() < MAX_ENTRIES_PER_APPEND && (p = waiting.poll()) != null; ) {
            batch.add(p);
        }
        try {
            List<AuditEntry> entries = appendAll(batch);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).entry = entries.get(i);
            }
        } catch (RuntimeException e) {
            batch.forEach(p -> p.failure = e);
        }
    }

    private List<AuditEntry> appendAll(List<Pending> batch) {
        Instant at = clock.instant();
        try {
            for (int attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
                List<Map<String, String>> chained = new ArrayList<>();
                List<String> hashes = new ArrayList<>();
                List<String> entryArgs = new ArrayList<>();
                String prev = headHash;
                long seq = headSeq;
                for (Pending p : batch) {
                    seq++;
                    Map<String, String> fields = fields(seq, at, p.actor, p.event, prev);
                    String hash = mac(fields);
                    entryArgs.add(Integer.toString(2 * fields.size() + 2));
                    fields.forEach((k, v) -> {
                        entryArgs.add(k);
                        entryArgs.add(v);
                    });
                    entryArgs.add("hash");
                    entryArgs.add(hash);
                    chained.add(fields);
                    hashes.add(hash);
                    prev = hash;
                }
                List<String> args = new ArrayList<>(List.of(headHash, Long.toString(headSeq), prev,
                        Long.toString(seq), headMac(seq, prev), Integer.toString(batch.size())));
                args.addAll(entryArgs);
                List<?> result = (List<?>) append.run(redis,
                        List.of(RedisKeys.auditStream(), RedisKeys.auditHead()), args);
                if (((Long) result.get(0)) == 1L) {
                    List<AuditEntry> entries = new ArrayList<>();
                    String before = headHash;
                    for (int i = 0; i < batch.size(); i++) {
                        entries.add(toEntry((String) result.get(i + 1), chained.get(i), before, hashes.get(i)));
                        before = hashes.get(i);
                    }
                    headHash = prev;
                    headSeq = seq;
                    return entries;
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

    /** Walks the whole chain from the first entry and checks every link and MAC, and the head record. */
    public ChainVerification verify() {
        return verify(List.of());
    }

    /**
     * Walks the whole chain as {@link #verify()} does, and also checks it against checkpoints taken earlier and kept
     * off the server: each must be genuine, and the chain must still hold its entry with the same hash. This catches
     * what the head's MAC cannot: the newest entries deleted and an older genuine head put back.
     */
    public ChainVerification verify(List<AuditCheckpoint> checkpoints) {
        return walk(checkpoints).result();
    }

    /**
     * A signed checkpoint of the chain as it stands, after verifying it: to be kept off the server and given back to
     * {@link #verify(List)} later. A broken chain gets no checkpoint ({@code INTEGRITY_FAILURE}).
     */
    public AuditCheckpoint checkpoint() {
        Walk walk = walk(List.of());
        if (!walk.result().intact()) {
            throw RecordsException.integrity("The audit chain is broken (" + walk.result().problem()
                    + "); no checkpoint is issued");
        }
        AuditCheckpoint unsigned = new AuditCheckpoint(walk.lastSeq(), walk.lastHash(), clock.instant(), "");
        return new AuditCheckpoint(unsigned.seq(), unsigned.hash(), unsigned.at(), macOf(unsigned.signedText()));
    }

    private record Walk(ChainVerification result, long lastSeq, String lastHash) {
    }

    private Walk walk(List<AuditCheckpoint> checkpoints) {
        Map<Long, AuditCheckpoint> vouched = new TreeMap<>();
        for (AuditCheckpoint c : checkpoints) {
            if (!macOf(c.signedText()).equals(c.mac())) {
                return broken(0, c.seq(), "the checkpoint of entry " + c.seq() + " taken at " + c.at()
                        + " is not genuine (its MAC does not match the audit key)");
            }
            vouched.put(c.seq(), c);
        }
        String prev = "";
        long expectedSeq = 1;
        long checked = 0;
        String cursor = "-";
        try {
            // The head is read first: entries appended while the chain is walked are checked like the others.
            Map<String, String> head = redis.hgetAll(RedisKeys.auditHead());
            String headHash = head.getOrDefault("hash", "");
            long headSeq = parseSeq(head.getOrDefault("seq", "0"));
            if (headSeq > 0 && !headMac(headSeq, headHash).equals(head.get("mac"))) {
                return broken(0, headSeq, "the head record was altered or rewound (its MAC does not match)");
            }
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
                    if (seq == headSeq && !hash.equals(headHash)) {
                        return broken(checked, seq, "entry " + seq + " is not the one the head record names");
                    }
                    AuditCheckpoint c = vouched.get(seq);
                    if (c != null && !c.hash().equals(hash)) {
                        return broken(checked, seq, "entry " + seq + " differs from the checkpoint taken at " + c.at());
                    }
                    prev = hash;
                    expectedSeq++;
                }
                cursor = page.get(page.size() - 1).getID().toString();
            }
            long last = expectedSeq - 1;
            if (last < headSeq) {
                return broken(checked, last + 1, "the newest entries are missing (head is at " + headSeq + ")");
            }
            if (last > 0 && headSeq == 0) {
                return broken(checked, last, "the head record is missing");
            }
            for (AuditCheckpoint c : vouched.values()) {
                if (c.seq() > last) {
                    return broken(checked, last + 1, "the newest entries are missing: the chain ends at entry " + last
                            + " but the checkpoint taken at " + c.at() + " vouches for entry " + c.seq());
                }
            }
            return new Walk(new ChainVerification(true, checked, 0, "ok"), last, prev);
        } catch (JedisException e) {
            throw new RecordsException(RecordsError.AUDIT_UNAVAILABLE, "The audit log cannot be read", e);
        }
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

    private static Walk broken(long checked, long seq, String problem) {
        return new Walk(new ChainVerification(false, checked, seq, problem), 0, "");
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

    /** The head record's MAC: without the audit key nobody can point the head at another entry. */
    private String headMac(long seq, String hash) {
        return macOf("tabib-link/audit-head/v1\n" + seq + "\n" + hash);
    }

    private String macOf(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(macKey.get().getEncoded(), "HmacSHA256"));
            return HEX.formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
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
