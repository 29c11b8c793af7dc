package ma.tabiblink.records.operator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import ma.tabiblink.records.AccessPolicy;
import ma.tabiblink.records.Actor;
import ma.tabiblink.records.RecordsException;
import ma.tabiblink.records.RedisKeys;
import ma.tabiblink.records.ReplicaAcknowledgement;
import ma.tabiblink.records.audit.AuditAction;
import ma.tabiblink.records.cases.Cases;
import ma.tabiblink.records.audit.AuditCheckpoint;
import ma.tabiblink.records.audit.AuditLog;
import ma.tabiblink.records.audit.ChainVerification;
import ma.tabiblink.records.keys.Envelope;
import ma.tabiblink.records.keys.KeyRing;
import ma.tabiblink.records.note.Notes;
import ma.tabiblink.records.patient.PatientRegistry;
import ma.tabiblink.redisscript.RedisScript;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The operator's key commands: rotate the key-encryption key, re-wrap every data key to the newest version and
 * retire versions nothing uses any more, verify that everything still opens, and erase a patient (their identity
 * destroyed, their notes crypto-shredded).
 * Each is audited. Only ADMIN actors (the console operator) may run them.
 */
public final class KeyOperations {

    private static final int SCAN_BATCH = 500;

    private final UnifiedJedis redis;
    private final KeyRing ring;
    private final Envelope envelope;
    private final AuditLog audit;
    private final AccessPolicy policy;
    private final Notes notes;
    private final PatientRegistry patients;
    private final Cases cases;
    private final ReplicaAcknowledgement acknowledgement;
    private final RedisScript rewrapScript = RedisScript.load(KeyOperations.class, "rewrap.lua");

    public KeyOperations(UnifiedJedis redis, KeyRing ring, Envelope envelope, AuditLog audit, AccessPolicy policy,
                         Notes notes, PatientRegistry patients, Cases cases, ReplicaAcknowledgement acknowledgement) {
        this.redis = redis;
        this.ring = ring;
        this.envelope = envelope;
        this.audit = audit;
        this.policy = policy;
        this.notes = notes;
        this.patients = patients;
        this.cases = cases;
        this.acknowledgement = acknowledgement;
    }

    /** @param retired versions destroyed because nothing used them; remaining: data keys per version afterwards */
    public record RewrapReport(int currentVersion, int rewrapped, List<Integer> retired, Map<Integer, Long> remaining,
                               List<String> problems) {
    }

    /** @param dataKeysByVersion data keys found in Redis per KEK version, by a full scan */
    public record VerifyReport(boolean ok, List<Integer> keystoreVersions, Map<Integer, Long> dataKeysByVersion,
                               long recordsChecked, List<String> problems, ChainVerification audit) {
    }

    /**
     * @param demographicsDestroyed the patient's encrypted demographics were deleted by this run (false when an
     *                              earlier run already had)
     * @param identifiersRemoved    national ID and insurance number index entries removed
     * @param dataKeysDestroyed     data keys of note versions and of case parts destroyed
     */
    public record ShredReport(String patientId, boolean demographicsDestroyed, int identifiersRemoved,
                              int dataKeysDestroyed) {
    }

    public int rotate(Actor actor) {
        requireAdmin(actor, AuditAction.KEY_ROTATE);
        int version = ring.rotate();
        audit.record(actor, AuditLog.Event.success(AuditAction.KEY_ROTATE, "Key", KeyRing.KEY_ID + "." + version, null));
        return version;
    }

    /**
     * Re-wraps every data key held under an older KEK version, then retires the versions left unused, only once the
     * replicas the acknowledgement asks for hold the re-wrapped keys: a failover after a version is destroyed must not
     * bring back data keys only that version opens ({@code NOT_REPLICATED} otherwise, nothing retired; run it again).
     */
    public RewrapReport rewrap(Actor actor) {
        requireAdmin(actor, AuditAction.KEY_REWRAP);
        int current = ring.currentVersion();
        int rewrapped = 0;
        List<String> problems = new ArrayList<>();
        for (int version : ring.versions()) {
            if (version == current) {
                continue;
            }
            String users = RedisKeys.kekUsers(version);
            for (String owner : redis.smembers(users)) {
                String dk = redis.hget(owner, "dk");
                if (dk == null) {
                    redis.srem(users, owner);
                    continue;
                }
                try {
                    Envelope.Rewrapped next = envelope.rewrap(dk, owner);
                    Object r = rewrapScript.run(redis, List.of(owner, users, RedisKeys.kekUsers(next.kekVersion())),
                            List.of(dk, next.wrappedKey(), Integer.toString(next.kekVersion())));
                    rewrapped += ((Long) r).intValue();
                } catch (RecordsException e) {
                    problems.add(owner + ": " + e.code());
                }
            }
        }
        Map<Integer, Long> inUse = dataKeysByVersion();
        acknowledgement.confirm(redis);
        List<Integer> retired = new ArrayList<>();
        for (int version : ring.versions()) {
            if (version != current && inUse.getOrDefault(version, 0L) == 0L) {
                ring.retire(version);
                retired.add(version);
                audit.record(actor, AuditLog.Event.success(AuditAction.KEY_RETIRE, "Key",
                        KeyRing.KEY_ID + "." + version, null));
            }
        }
        audit.record(actor, AuditLog.Event.success(AuditAction.KEY_REWRAP, "Key", KeyRing.KEY_ID + "." + current, null)
                .withDetail(rewrapped + " re-wrapped, retired " + retired + ", " + problems.size() + " problems"));
        return new RewrapReport(current, rewrapped, retired, inUse, problems);
    }

    /**
     * Opens every data key, decrypts every note version (checking its signature) and every patient's demographics,
     * and walks the audit chain.
     */
    public VerifyReport verify(Actor actor) {
        requireAdmin(actor, AuditAction.KEY_VERIFY);
        List<String> problems = new ArrayList<>();
        Map<Integer, Long> byVersion = new TreeMap<>();
        long checked = 0;
        for (Map.Entry<String, String> e : wrappedKeys().entrySet()) {
            String owner = e.getKey();
            checked++;
            try {
                int version = Envelope.kekVersionOf(e.getValue());
                byVersion.merge(version, 1L, Long::sum);
                envelope.checkUnwraps(e.getValue(), owner);
                if (!redis.sismember(RedisKeys.kekUsers(version), owner)) {
                    problems.add(owner + ": not listed among the users of key version " + version);
                }
                String[] parts = owner.split(":");
                if (owner.startsWith(RedisKeys.PREFIX + "note:") && parts.length == 6) {
                    String problem = notes.verifyStored(parts[3], Integer.parseInt(parts[5]));
                    if (problem != null) {
                        problems.add(owner + ": " + problem);
                    }
                } else if (owner.equals(RedisKeys.patient(parts[parts.length - 1]))) {
                    patients.details(parts[parts.length - 1]);
                }
            } catch (RecordsException ex) {
                problems.add(owner + ": " + ex.code() + " " + ex.getMessage());
            }
        }
        ChainVerification chain = audit.verify();
        if (!chain.intact()) {
            problems.add("audit log: " + chain.problem());
        }
        boolean ok = problems.isEmpty();
        audit.record(actor, AuditLog.Event.success(AuditAction.KEY_VERIFY, "Key", KeyRing.KEY_ID, null)
                .withDetail(checked + " records, " + problems.size() + " problems"));
        return new VerifyReport(ok, List.copyOf(ring.versions()), byVersion, checked, problems, chain);
    }

    /**
     * Legal erasure of a patient: first their identity (encrypted demographics and data key deleted, identifier index
     * entries removed, every later write refused with {@code PATIENT_ERASED}), then the data keys of every version of
     * their notes, whose ciphertexts can never be read again, and their tele-expertise cases, content and all. In that
     * order, so that no note or case written meanwhile escapes. Running it again finishes an interrupted erasure.
     */
    public ShredReport shred(Actor actor, String patientId) {
        requireAdmin(actor, AuditAction.KEY_SHRED);
        PatientRegistry.Erasure erasure = patients.erase(patientId);
        int destroyed = notes.shredPatient(patientId) + cases.shredPatient(patientId);
        audit.record(actor, AuditLog.Event.success(AuditAction.KEY_SHRED, "Patient", patientId, patientId)
                .withDetail((erasure.demographicsDestroyed() ? "demographics destroyed, " : "")
                        + erasure.identifiersRemoved() + " identifiers removed, " + destroyed + " data keys destroyed"));
        return new ShredReport(patientId, erasure.demographicsDestroyed(), erasure.identifiersRemoved(), destroyed);
    }

    /** Walks the audit chain. */
    public ChainVerification verifyAudit(Actor actor) {
        return verifyAudit(actor, List.of());
    }

    /** Walks the audit chain and checks it against checkpoints kept off the server. */
    public ChainVerification verifyAudit(Actor actor, List<AuditCheckpoint> checkpoints) {
        requireAdmin(actor, AuditAction.AUDIT_VERIFY);
        ChainVerification result = audit.verify(checkpoints);
        audit.record(actor, AuditLog.Event.success(AuditAction.AUDIT_VERIFY, "AuditLog", RedisKeys.auditStream(), null)
                .withDetail((result.intact() ? "intact" : result.problem())
                        + (checkpoints.isEmpty() ? "" : ", " + checkpoints.size() + " checkpoints")));
        return result;
    }

    /** A signed checkpoint of the verified chain, to be kept off the server; audited. */
    public AuditCheckpoint auditCheckpoint(Actor actor) {
        requireAdmin(actor, AuditAction.AUDIT_CHECKPOINT);
        AuditCheckpoint checkpoint = audit.checkpoint();
        audit.record(actor, AuditLog.Event.success(AuditAction.AUDIT_CHECKPOINT, "AuditLog", RedisKeys.auditStream(),
                null).withDetail("entry " + checkpoint.seq()));
        return checkpoint;
    }

    private void requireAdmin(Actor actor, AuditAction action) {
        if (!policy.mayAdminister(actor)) {
            throw audit.denied(actor, AuditLog.Event.success(action, "Key", KeyRing.KEY_ID, null),
                    "Only administrators may run key and audit operations");
        }
    }

    /** Counts data keys per KEK version by scanning every record of the module (not trusting the users sets). */
    private Map<Integer, Long> dataKeysByVersion() {
        Map<Integer, Long> out = new TreeMap<>();
        for (String dk : wrappedKeys().values()) {
            try {
                out.merge(Envelope.kekVersionOf(dk), 1L, Long::sum);
            } catch (RecordsException e) {
                out.merge(-1, 1L, Long::sum);
            }
        }
        return out;
    }

    /** Every record holding a wrapped data key: Redis key to wrapped key. */
    private Map<String, String> wrappedKeys() {
        Map<String, String> out = new TreeMap<>();
        ScanParams params = new ScanParams().match(RedisKeys.PREFIX + "*").count(SCAN_BATCH);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = redis.scan(cursor, params, "hash");
            cursor = page.getCursor();
            List<String> keys = page.getResult();
            List<Response<String>> dks = new ArrayList<>();
            try (AbstractPipeline p = redis.pipelined()) {
                for (String k : keys) {
                    dks.add(p.hget(k, "dk"));
                }
                p.sync();
            }
            for (int i = 0; i < keys.size(); i++) {
                String dk = dks.get(i).get();
                if (dk != null) {
                    out.put(keys.get(i), dk);
                }
            }
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return out;
    }
}
