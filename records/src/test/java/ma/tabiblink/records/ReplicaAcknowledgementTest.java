package ma.tabiblink.records;

import static ma.tabiblink.records.TestRecords.CARDIO;
import static ma.tabiblink.records.TestRecords.NURSE1;
import static ma.tabiblink.records.TestRecords.note;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import ma.tabiblink.records.audit.AuditAction;
import ma.tabiblink.records.audit.AuditLog;
import ma.tabiblink.records.breakglass.BreakGlassLimit;
import ma.tabiblink.records.cases.ServiceLevels;
import ma.tabiblink.records.consultation.Consultation;
import ma.tabiblink.records.keys.KeyRing;
import ma.tabiblink.records.note.NoteStatus;
import ma.tabiblink.records.note.NoteView;
import ma.tabiblink.records.patient.Patient;
import ma.tabiblink.redisscript.RedisScript;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;
import redis.embedded.RedisServer;

/**
 * Under Sentinel the module reports a write done only once a replica holds it: with one replica asked for and none
 * there, a note version, a consent and an audit entry are refused as {@code NOT_REPLICATED} (never a silent success),
 * their effects stay on the primary and the retry returns the first attempt's result; with a replica in sync they
 * succeed and the replica holds them; and with none asked for (a single Redis) nothing is awaited or even sent.
 */
@Timeout(60)
class ReplicaAcknowledgementTest {

    private static final ReplicaAcknowledgement ONE_REPLICA = new ReplicaAcknowledgement(1, Duration.ofMillis(300));

    static TestRecords t;

    @BeforeAll
    static void start() {
        t = new TestRecords();
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    @BeforeEach
    void fresh() {
        t.reset();
    }

    @Test
    void withOneReplicaAskedForAndNoneThereANoteVersionIsRefusedAsNotReplicatedAndItsRetryReturnsTheOneVersion() {
        Patient patient = t.tinghirPatient("Khadija Ait Baha", null);
        Consultation consultation = t.urgentCall(patient, CARDIO, "call-unreplicated-note");
        Records unreplicated = withAcknowledgement(ONE_REPLICA);

        assertNotReplicated(() -> unreplicated.notes().writeDraft(CARDIO, consultation.id(), note("first")));
        String noteId = t.redis.get(RedisKeys.consultationNote(consultation.id()));
        assertThat(noteId).as("the refused save stays on the primary").isNotNull();
        assertThat(t.redis.hget(RedisKeys.note(noteId), "latest")).isEqualTo("1");

        assertNotReplicated(() -> unreplicated.notes().writeDraft(CARDIO, consultation.id(), note("first")));
        NoteView retried = t.records.notes().writeDraft(CARDIO, consultation.id(), note("first"));
        assertThat(retried.noteId()).isEqualTo(noteId);
        assertThat(retried.version()).isEqualTo(1);
        assertThat(retried.latestVersion()).as("the retries replaced the draft, added no version").isEqualTo(1);

        assertNotReplicated(() -> unreplicated.notes().sign(CARDIO, noteId));
        assertThat(t.redis.hget(RedisKeys.noteVersion(noteId, 1), "status")).isEqualTo(NoteStatus.FINAL.name());
        assertNotReplicated(() -> unreplicated.notes().amend(CARDIO, noteId, note("amended")));
        NoteView amended = t.records.notes().amend(CARDIO, noteId, note("amended"));
        assertThat(amended.version()).as("the retried amendment is the refused one's version").isEqualTo(2);
        assertThat(amended.latestVersion()).isEqualTo(2);
    }

    @Test
    void withOneReplicaAskedForAndNoneThereAConsentAndAnAuditEntryAreRefusedAsNotReplicated() {
        Patient patient = t.tinghirPatient("Youssef Amrani", null);
        Records unreplicated = withAcknowledgement(ONE_REPLICA);

        assertNotReplicated(() -> unreplicated.patients().recordConsent(NURSE1, patient.id(), false));
        assertThat(t.redis.hget(RedisKeys.patient(patient.id()), "consent")).isEqualTo("false");

        long before = t.redis.xlen(RedisKeys.auditStream());
        assertNotReplicated(() -> unreplicated.audit().record(NURSE1, AuditLog.Event.success(
                AuditAction.PATIENT_READ, "Patient", patient.id(), patient.id())));
        assertThat(t.redis.xlen(RedisKeys.auditStream())).as("the entry stands on the primary").isEqualTo(before + 1);
        assertThat(t.records.audit().verify().intact()).isTrue();
    }

    @Test
    void withNoReplicaAskedForTheSameWritesSucceedWithoutAnyWaitSent() {
        Patient patient = t.tinghirPatient("Hassan Oubella", null);
        Consultation consultation = t.urgentCall(patient, CARDIO, "call-no-replica-asked");
        Records single = withAcknowledgement(ReplicaAcknowledgement.NONE);
        try (Jedis admin = new Jedis("127.0.0.1", t.port)) {
            admin.configResetStat();

            NoteView draft = single.notes().writeDraft(CARDIO, consultation.id(), note("single"));
            single.notes().sign(CARDIO, draft.noteId());
            single.patients().recordConsent(NURSE1, patient.id(), true);
            single.audit().record(NURSE1, AuditLog.Event.success(AuditAction.PATIENT_READ, "Patient", patient.id(),
                    patient.id()));

            assertThat(draft.version()).isEqualTo(1);
            assertThat(admin.info("commandstats")).as("no WAIT, no probe")
                    .doesNotContain("cmdstat_wait:").doesNotContain("cmdstat_publish:");
        }
    }

    @Test
    void withAReplicaInSyncTheWritesSucceedAndTheReplicaAlreadyHoldsThem() throws IOException {
        int replicaPort = TestRecords.freePort();
        RedisServer replicaServer = RedisServer.newRedisServer().port(replicaPort).bind("127.0.0.1")
                .setting("save \"\"").setting("appendonly no")
                .setting("replicaof 127.0.0.1 " + t.port)
                .build();
        replicaServer.start();
        try (Jedis replica = new Jedis("127.0.0.1", replicaPort)) {
            awaitInSync(replica);
            Records replicated = withAcknowledgement(ONE_REPLICA);
            Patient patient = t.tinghirPatient("Zineb Ouhammou", null);
            Consultation consultation = t.urgentCall(patient, CARDIO, "call-replicated-note");

            NoteView draft = replicated.notes().writeDraft(CARDIO, consultation.id(), note("replicated"));
            replicated.patients().recordConsent(NURSE1, patient.id(), false);

            assertThat(replica.hget(RedisKeys.note(draft.noteId()), "latest")).isEqualTo("1");
            assertThat(replica.hget(RedisKeys.patient(patient.id()), "consent")).isEqualTo("false");
            assertThat(replica.hget(RedisKeys.auditHead(), "hash"))
                    .isEqualTo(t.redis.hget(RedisKeys.auditHead(), "hash"));
        } finally {
            replicaServer.stop();
        }
    }

    @Test
    void aScriptRunNoReplicaAcknowledgesIsRefusedAsNotReplicatedAndItsEffectsStay() {
        RedisScript count = RedisScript.load(ReplicaAcknowledgementTest.class, "count.lua");

        assertNotReplicated(() -> ONE_REPLICA.runConfirmed(count, t.redis, List.of("counter"), List.of()));

        assertThat(t.redis.get("counter")).isEqualTo("1");
        assertThat(ReplicaAcknowledgement.NONE.runConfirmed(count, t.redis, List.of("counter"), List.of()))
                .isEqualTo(2L);
    }

    private static Records withAcknowledgement(ReplicaAcknowledgement acknowledgement) {
        return Records.create(t.redis, t.clock, KeyRing.open(t.keystoreSettings()), "https://tabib.test/fhir",
                BreakGlassLimit.DEFAULT, ServiceLevels.DEFAULT, acknowledgement);
    }

    private static void assertNotReplicated(ThrowingCallable write) {
        assertThatThrownBy(write).isInstanceOfSatisfying(RecordsException.class, e -> {
            assertThat(e.code()).isEqualTo(RecordsError.NOT_REPLICATED);
            assertThat(e.getMessage()).isNotBlank();
        });
    }

    private static void awaitInSync(Jedis replica) {
        Instant deadline = Instant.now().plusSeconds(15);
        while (!replica.info("replication").contains("master_link_status:up")) {
            assertThat(Instant.now()).as("the replica syncs within 15 s").isBefore(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
