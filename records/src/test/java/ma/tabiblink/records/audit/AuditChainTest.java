package ma.tabiblink.records.audit;

import static ma.tabiblink.records.TestRecords.CARDIO;
import static ma.tabiblink.records.TestRecords.NURSE1;
import static ma.tabiblink.records.TestRecords.note;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import ma.tabiblink.records.RedisKeys;
import ma.tabiblink.records.TestRecords;
import ma.tabiblink.records.consultation.Consultation;
import ma.tabiblink.records.keys.KeyRing;
import ma.tabiblink.records.note.NoteView;
import ma.tabiblink.records.patient.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

@Timeout(60)
class AuditChainTest {

    static TestRecords t;
    NoteView note;
    Patient patient;

    @BeforeAll
    static void startRedis() {
        t = new TestRecords();
    }

    @AfterAll
    static void stopRedis() {
        t.close();
    }

    @BeforeEach
    void start() {
        t.reset();
        patient = t.tinghirPatient("Samira Audit", null);
        Consultation c = t.urgentCall(patient, CARDIO, "call-audit-1");
        note = t.records.notes().writeDraft(CARDIO, c.id(), note("audit"));
        t.records.notes().sign(CARDIO, note.noteId());
        t.records.notes().read(NURSE1, note.noteId(), null);
        t.records.notes().amend(CARDIO, note.noteId(), note("audit-2"));
        t.records.patients().get(NURSE1, patient.id());
    }

    @Test
    void everyCreateReadAmendSignAndPatientAccessIsLoggedWithWhoRoleWhenWhatAndWhere() {
        List<AuditEntry> entries = t.records.audit().entries(null, 1000);
        assertThat(entries).extracting(AuditEntry::action).containsSubsequence(AuditAction.PATIENT_CREATE,
                AuditAction.CONSULTATION_OPEN, AuditAction.NOTE_CREATE, AuditAction.NOTE_SIGN, AuditAction.NOTE_READ,
                AuditAction.NOTE_AMEND, AuditAction.PATIENT_READ);
        AuditEntry read = entries.stream().filter(e -> e.action() == AuditAction.NOTE_READ).findFirst().orElseThrow();
        assertThat(read.actorId()).isEqualTo("nurse1");
        assertThat(read.role()).isEqualTo("NURSE");
        assertThat(read.from()).isEqualTo("10.0.0.11");
        assertThat(read.at()).isEqualTo(t.clock.instant());
        assertThat(read.entityId()).isEqualTo(note.noteId() + "/1");
        assertThat(read.patientId()).isEqualTo(patient.id());
        assertThat(entries).extracting(AuditEntry::seq).containsExactly(
                java.util.stream.LongStream.rangeClosed(1, entries.size()).boxed().toArray(Long[]::new));
        assertThat(t.records.audit().verify().intact()).isTrue();
    }

    @Test
    void verificationDetectsAnEditedEntry() {
        List<StreamEntry> raw = t.redis.xrange(RedisKeys.auditStream(), "-", "+");
        StreamEntry victim = raw.get(3);
        // Streams are append-only; an attacker edits by deleting and re-adding with the same id.
        Map<String, String> fields = new java.util.LinkedHashMap<>(victim.getFields());
        fields.put("actor", "someone-else");
        rewrite(raw, victim.getID(), fields);

        ChainVerification v = t.records.audit().verify();
        assertThat(v.intact()).isFalse();
        assertThat(v.firstBrokenSeq()).isEqualTo(4);
        assertThat(v.problem()).contains("altered");
    }

    @Test
    void verificationDetectsADeletedEntry() {
        List<StreamEntry> raw = t.redis.xrange(RedisKeys.auditStream(), "-", "+");
        t.redis.xdel(RedisKeys.auditStream(), raw.get(2).getID());
        ChainVerification v = t.records.audit().verify();
        assertThat(v.intact()).isFalse();
        assertThat(v.firstBrokenSeq()).isEqualTo(3);
        assertThat(v.problem()).contains("missing");
    }

    @Test
    void verificationDetectsTheNewestEntriesBeingDropped() {
        List<StreamEntry> raw = t.redis.xrange(RedisKeys.auditStream(), "-", "+");
        t.redis.xdel(RedisKeys.auditStream(), raw.get(raw.size() - 1).getID());
        ChainVerification v = t.records.audit().verify();
        assertThat(v.intact()).isFalse();
        assertThat(v.problem()).contains("newest");
    }

    @Test
    void anEntryRecomputedWithoutTheAuditKeyIsStillDetected() throws Exception {
        List<StreamEntry> raw = t.redis.xrange(RedisKeys.auditStream(), "-", "+");
        StreamEntry victim = raw.get(1);
        Map<String, String> fields = new java.util.LinkedHashMap<>(victim.getFields());
        fields.put("outcome", "DENIED");
        // A SHA-256 over the fields, as one would forge an unkeyed chain.
        fields.put("hash", java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(fields.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        rewrite(raw, victim.getID(), fields);
        assertThat(t.records.audit().verify().intact()).isFalse();
    }

    @Test
    void concurrentWritersFromSeveralNodesFormOneUnbrokenChain() throws Exception {
        // A second module instance over the same Redis and keystore stands in for another node.
        AuditLog other = new AuditLog(t.redis, t.clock, KeyRing.open(t.keystoreSettings())::auditKey);
        AuditLog mine = t.records.audit();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            AuditLog log = i % 2 == 0 ? mine : other;
            futures.add(pool.submit(() -> {
                for (int n = 0; n < 50; n++) {
                    log.record(NURSE1, AuditLog.Event.success(AuditAction.PATIENT_READ, "Patient", patient.id(),
                            patient.id()));
                }
            }));
        }
        for (Future<?> f : futures) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        ChainVerification v = mine.verify();
        assertThat(v.intact()).as(v.problem()).isTrue();
        assertThat(v.entriesChecked()).isEqualTo(t.redis.xlen(RedisKeys.auditStream()));
    }

    @Test
    void manyThreadsOfOneNodeRecordingAtOnceEachGetTheirOwnEntryInOneUnbrokenChain() throws Exception {
        AuditLog log = t.records.audit();
        long before = t.redis.xlen(RedisKeys.auditStream());
        int threads = 16;
        int each = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<List<AuditEntry>>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            String entity = "call-" + i;
            futures.add(pool.submit(() -> {
                List<AuditEntry> mine = new ArrayList<>();
                for (int n = 0; n < each; n++) {
                    mine.add(log.record(CARDIO, AuditLog.Event.success(AuditAction.PATIENT_READ, "Call", entity,
                            patient.id())));
                }
                return mine;
            }));
        }
        List<AuditEntry> recorded = new ArrayList<>();
        for (Future<List<AuditEntry>> f : futures) {
            recorded.addAll(f.get(30, TimeUnit.SECONDS));
        }
        pool.shutdown();
        assertThat(recorded).extracting(AuditEntry::seq).doesNotHaveDuplicates().hasSize(threads * each);
        for (int i = 0; i < threads; i++) {
            List<AuditEntry> mine = futures.get(i).get();
            assertThat(mine).extracting(AuditEntry::entityId).containsOnly("call-" + i);
            assertThat(mine).extracting(AuditEntry::seq).isSorted();
        }
        Map<String, Map<String, String>> stored = new java.util.HashMap<>();
        t.redis.xrange(RedisKeys.auditStream(), "-", "+").forEach(r -> stored.put(r.getID().toString(), r.getFields()));
        for (AuditEntry e : recorded) {
            assertThat(stored.get(e.streamId())).as("entry %d", e.seq())
                    .containsEntry("entityId", e.entityId()).containsEntry("hash", e.hash())
                    .containsEntry("seq", Long.toString(e.seq()));
        }
        assertThat(t.redis.xlen(RedisKeys.auditStream())).isEqualTo(before + threads * each);
        ChainVerification v = log.verify();
        assertThat(v.intact()).as(v.problem()).isTrue();
    }

    @Test
    void deletingTheNewestEntriesAndRewindingTheHeadIsDetected() {
        List<StreamEntry> raw = t.redis.xrange(RedisKeys.auditStream(), "-", "+");
        StreamEntry kept = raw.get(raw.size() - 3);
        // Someone with access to Redis but not to the keystore hides the last two entries and points the head back
        // at the newest entry left, keeping every other field of the head as it was.
        t.redis.xdel(RedisKeys.auditStream(), raw.get(raw.size() - 1).getID(), raw.get(raw.size() - 2).getID());
        t.redis.hset(RedisKeys.auditHead(), Map.of("seq", kept.getFields().get("seq"),
                "hash", kept.getFields().get("hash"), "id", kept.getID().toString()));
        ChainVerification v = t.records.audit().verify();
        assertThat(v.intact()).isFalse();
        assertThat(v.problem()).contains("head record was altered or rewound");

        // Removing the head altogether does not help either.
        t.redis.del(RedisKeys.auditHead());
        assertThat(t.records.audit().verify().problem()).contains("head record is missing");
    }

    @Test
    void anOlderGenuineHeadPutBackIsCaughtByACheckpointKeptOffTheServer() {
        // The head as it was some entries ago, as an old AOF or a copy taken then would hold it.
        Map<String, String> oldHead = t.redis.hgetAll(RedisKeys.auditHead());
        long oldSeq = Long.parseLong(oldHead.get("seq"));
        t.records.patients().get(NURSE1, patient.id());
        t.records.patients().get(NURSE1, patient.id());
        AuditCheckpoint checkpoint = AuditCheckpoint.parse(t.records.audit().checkpoint().toLine());
        assertThat(checkpoint.seq()).isEqualTo(oldSeq + 2);
        assertThat(t.records.audit().verify(List.of(checkpoint)).intact()).isTrue();

        for (StreamEntry e : t.redis.xrange(RedisKeys.auditStream(), "-", "+")) {
            if (Long.parseLong(e.getFields().get("seq")) > oldSeq) {
                t.redis.xdel(RedisKeys.auditStream(), e.getID());
            }
        }
        t.redis.del(RedisKeys.auditHead());
        t.redis.hset(RedisKeys.auditHead(), oldHead);

        assertThat(t.records.audit().verify().intact()).as("without a checkpoint the rewind is invisible").isTrue();
        ChainVerification v = t.records.audit().verify(List.of(checkpoint));
        assertThat(v.intact()).isFalse();
        assertThat(v.firstBrokenSeq()).isEqualTo(oldSeq + 1);
        assertThat(v.problem()).contains("newest entries are missing").contains("vouches for entry " + (oldSeq + 2));
    }

    @Test
    void aCheckpointIsSignedAndAnAlteredEntryBeforeItIsNamed() {
        AuditCheckpoint checkpoint = t.records.audit().checkpoint();
        AuditCheckpoint forged = AuditCheckpoint.parse(checkpoint.toLine().replace("seq=" + checkpoint.seq(),
                "seq=" + (checkpoint.seq() + 5)));
        assertThat(t.records.audit().verify(List.of(forged)).problem()).contains("not genuine");

        List<StreamEntry> raw = t.redis.xrange(RedisKeys.auditStream(), "-", "+");
        StreamEntry last = raw.get(raw.size() - 1);
        Map<String, String> fields = new java.util.LinkedHashMap<>(last.getFields());
        fields.put("hash", "0".repeat(64));
        rewrite(raw, last.getID(), fields);
        assertThat(t.records.audit().verify(List.of(checkpoint)).intact()).isFalse();
        assertThatThrownBy(() -> t.records.audit().checkpoint()).isInstanceOf(ma.tabiblink.records.RecordsException.class);
        assertThatThrownBy(() -> AuditCheckpoint.parse("tabib-audit-checkpoint/v1 seq=x"))
                .isInstanceOf(ma.tabiblink.records.RecordsException.class);
    }

    private void rewrite(List<StreamEntry> raw, StreamEntryID id, Map<String, String> replacement) {
        // Rebuild the stream with one entry replaced, keeping every id.
        t.redis.del(RedisKeys.auditStream());
        for (StreamEntry e : raw) {
            Map<String, String> f = e.getID().equals(id) ? replacement : e.getFields();
            t.redis.xadd(RedisKeys.auditStream(), e.getID(), f);
        }
    }
}
