package ma.tabiblink.web.redis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import ma.tabiblink.records.Actor;
import ma.tabiblink.records.Records;
import ma.tabiblink.records.ReplicaAcknowledgement;
import ma.tabiblink.records.Role;
import ma.tabiblink.records.breakglass.BreakGlassLimit;
import ma.tabiblink.records.cases.ServiceLevels;
import ma.tabiblink.records.consultation.ConsultationMode;
import ma.tabiblink.records.consultation.ConsultationOrigin;
import ma.tabiblink.records.consultation.OpenConsultation;
import ma.tabiblink.records.keys.KeyRing;
import ma.tabiblink.records.keys.KeystoreSettings;
import ma.tabiblink.records.note.NoteContent;
import ma.tabiblink.records.patient.NewPatient;
import ma.tabiblink.records.patient.Sex;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.JedisSentineled;
import ma.tabiblink.ops.sentinel.SentinelTopology;

/**
 * Measures (does not assert) what waiting for a replica costs a consultation note save: one specialist saves the
 * draft of a note again and again through {@code Notes.writeDraft} (encryption under a fresh data key, the version
 * script, the audit entry) on the Sentinel topology of the failover test, with {@code min-replicas-acked} 0 and 1
 * alternating in blocks as {@link ReplicaAcknowledgementLatencyBenchmark} does for bookings. Not part of
 * {@code mvn verify}; run it with {@code -Dtest=NoteReplicaAcknowledgementLatencyBenchmark} and read the
 * {@code replica-ack-note-result} lines.
 */
@Timeout(600)
class NoteReplicaAcknowledgementLatencyBenchmark {

    private static final int ROUNDS = Integer.getInteger("tabib.bench.rounds", 10);
    private static final int BLOCK = Integer.getInteger("tabib.bench.block", 50);
    private static final int WARMUP_ROUNDS = 2;
    private static final ReplicaAcknowledgement ONE_REPLICA = new ReplicaAcknowledgement(1, Duration.ofSeconds(1));
    private static final Actor NURSE = new Actor("bench-nurse", Role.NURSE, "disp-bench", Set.of(), "127.0.0.1");
    private static final Actor SPECIALIST = new Actor("bench-cardio", Role.SPECIALIST, null, Set.of("cardiology"),
            "127.0.0.1");

    private static SentinelTopology topology;
    private static JedisSentineled redis;
    private static Path keys;

    @BeforeAll
    static void startTopology() throws IOException {
        Assumptions.assumeTrue(SentinelTopology.unavailableReason().isEmpty(),
                () -> SentinelTopology.unavailableReason().orElse(""));
        keys = Files.createTempDirectory("tabib-note-bench");
        topology = SentinelTopology.start(1);
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(4);
        redis = new JedisSentineled(SentinelTopology.MASTER_NAME, DefaultJedisClientConfig.builder().build(), pool,
                Set.copyOf(topology.sentinelAddresses()), DefaultJedisClientConfig.builder().build());
    }

    @AfterAll
    static void stopTopology() {
        if (redis != null) {
            redis.close();
        }
        if (topology != null) {
            topology.close();
        }
        if (keys != null) {
            SentinelTopology.deleteRecursively(keys);
        }
    }

    @Test
    void noteSaveLatencyWithAndWithoutAReplicaAcknowledgement() {
        KeystoreSettings keystore = KeystoreSettings.inDataDir(keys, null, null, true);
        Records unacknowledged = records(KeyRing.open(keystore), ReplicaAcknowledgement.NONE);
        Records acknowledged = records(KeyRing.open(keystore), ONE_REPLICA);
        String patient = unacknowledged.patients().register(NURSE, new NewPatient("Bench Patient", null, 1970,
                Sex.FEMALE, "disp-bench", "fr", null, null, true), null, true).id();
        String consultation = unacknowledged.openConsultation(Actor.system("bench"), new OpenConsultation(patient,
                ConsultationOrigin.URGENT_CALL, "bench-call", SPECIALIST.userId(), NURSE.userId(),
                ConsultationMode.VIDEO, null)).id();
        NoteContent note = new NoteContent("Douleur thoracique", "HTA", "TA 150/90", "Angor stable probable",
                "ECG dans la semaine", "Aspirine 100 mg", "Revoir dans 1 mois", "", "fr");

        List<Long> withoutNanos = new ArrayList<>();
        List<Long> withNanos = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            boolean acknowledgedFirst = round % 2 == 1;
            for (boolean acked : acknowledgedFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
                Records records = acked ? acknowledged : unacknowledged;
                long[] block = new long[BLOCK];
                for (int i = 0; i < BLOCK; i++) {
                    long began = System.nanoTime();
                    records.notes().writeDraft(SPECIALIST, consultation, note);
                    block[i] = System.nanoTime() - began;
                }
                if (round >= WARMUP_ROUNDS) {
                    Arrays.stream(block).forEach((acked ? withNanos : withoutNanos)::add);
                }
            }
        }
        print("0", withoutNanos);
        print("1", withNanos);
    }

    private static Records records(KeyRing keyRing, ReplicaAcknowledgement acknowledgement) {
        return Records.create(redis, Clock.systemUTC(), keyRing, "http://localhost/fhir", BreakGlassLimit.DEFAULT,
                ServiceLevels.DEFAULT, acknowledgement);
    }

    private static void print(String minReplicasAcked, List<Long> nanos) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "replica-ack-note-result min_replicas_acked=%s saves=%d p50_us=%d p90_us=%d "
                        + "p99_us=%d max_us=%d mean_us=%d%n", minReplicasAcked, sorted.length,
                percentile(sorted, 50) / 1000, percentile(sorted, 90) / 1000, percentile(sorted, 99) / 1000,
                sorted[sorted.length - 1] / 1000, (long) Arrays.stream(sorted).average().orElse(0) / 1000);
    }

    /** Nearest rank. */
    private static long percentile(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
