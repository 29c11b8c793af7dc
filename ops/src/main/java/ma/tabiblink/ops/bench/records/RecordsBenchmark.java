package ma.tabiblink.ops.bench.records;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.IntConsumer;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import ma.tabiblink.records.Actor;
import ma.tabiblink.records.Ids;
import ma.tabiblink.records.RedisKeys;
import ma.tabiblink.records.Records;
import ma.tabiblink.records.Role;
import ma.tabiblink.records.audit.AuditAction;
import ma.tabiblink.records.audit.AuditLog;
import ma.tabiblink.records.consultation.ConsultationMode;
import ma.tabiblink.records.consultation.ConsultationOrigin;
import ma.tabiblink.records.consultation.OpenConsultation;
import ma.tabiblink.records.keys.Envelope;
import ma.tabiblink.records.keys.KeyRing;
import ma.tabiblink.records.keys.KeystoreSettings;
import ma.tabiblink.records.note.NoteContent;
import ma.tabiblink.records.note.Notes;
import ma.tabiblink.records.patient.NewPatient;
import ma.tabiblink.records.patient.Sex;
import ma.tabiblink.redisscript.RedisScript;
import org.HdrHistogram.Histogram;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Stores and reads consultation notes through the records module against a real Redis and, in the same run, times
 * raw JCA AES-256-GCM on the same sizes and a Redis PING round trip, so the share of the crypto is visible.
 *
 * <pre>
 *   ops/scripts/bench-records.sh [--redis redis://127.0.0.1:6379/12] [--runs 5] [--ops 3000] [--sizes 1024,10240,20480]
 * </pre>
 * Single-threaded: latency percentiles and throughput of one client. The Redis database given is used for
 * {@code tl:rec:*} keys only and those keys are deleted at the end.
 */
public final class RecordsBenchmark {

    private static final Actor SPECIALIST = new Actor("dr.bench", Role.SPECIALIST, null, Set.of("cardiology"),
            "127.0.0.1");
    private static final Actor SYSTEM = Actor.system("bench");

    private RecordsBenchmark() {
    }

    record Stat(double opsPerSecond, double p50Micros, double p99Micros) {
    }

    public static void main(String[] args) throws Exception {
        String redisUrl = option(args, "--redis", "redis://127.0.0.1:6379/12");
        int runs = Integer.parseInt(option(args, "--runs", "5"));
        int ops = Integer.parseInt(option(args, "--ops", "3000"));
        int[] sizes = Arrays.stream(option(args, "--sizes", "1024,10240,20480").split(","))
                .mapToInt(Integer::parseInt).toArray();

        Path dir = Files.createTempDirectory("tabib-records-bench");
        try (JedisPooled redis = new JedisPooled(URI.create(redisUrl))) {
            deleteRecordKeys(redis);
            KeyRing ring = KeyRing.open(KeystoreSettings.inDataDir(dir, null, null, true));
            Records records = Records.create(redis, Clock.systemUTC(), ring, "http://localhost/fhir");
            Envelope envelope = new Envelope(ring);
            String patient = records.patients().register(SYSTEM, new NewPatient("Bench Patient", null, 1970,
                    Sex.FEMALE, "disp-bench", "fr", null, null, true)).id();
            SecretKey rawKey = aesKey();
            System.out.printf(Locale.ROOT, "java %s, %s, %d cores, redis %s%n", System.getProperty("java.version"),
                    System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors(), redisUrl);
            warmUpCrypto(rawKey, envelope, sizes);
            System.out.println("| size | operation | ops/s (median of runs) | p50 µs | p99 µs |");
            System.out.println("|---|---|---|---|---|");
            Stat ping = median(runs, () -> time(ops, i -> redis.ping()));
            row("-", "Redis PING round trip", ping);
            for (int size : sizes) {
                byte[] plain = new byte[size];
                new SecureRandom().nextBytes(plain);
                row(size, "raw JCA AES-256-GCM encrypt", median(runs, () -> time(ops, i -> encrypt(rawKey, plain))));
                byte[][] sealed = encrypt(rawKey, plain);
                row(size, "raw JCA AES-256-GCM decrypt", median(runs, () -> time(ops, i -> decrypt(rawKey, sealed))));

                String owner = RedisKeys.noteVersion("note-bench", 1);
                row(size, "module envelope seal (data key + AES-GCM + wrap)",
                        median(runs, () -> time(ops, i -> envelope.seal(plain, "bench", owner))));
                Envelope.Sealed env = envelope.seal(plain, "bench", owner);
                row(size, "module envelope open (unwrap + AES-GCM)", median(runs, () -> time(ops,
                        i -> envelope.open(env.wrappedKey(), env.ciphertext(), "bench", owner))));

                NoteContent content = noteOfSize(size);
                int total = ops * (runs + 1);
                List<String> consultations = new ArrayList<>(total);
                for (int i = 0; i < total; i++) {
                    consultations.add(records.openConsultation(SYSTEM, new OpenConsultation(patient,
                            ConsultationOrigin.URGENT_CALL, "bench-" + size + "-" + i, SPECIALIST.userId(), null,
                            ConsultationMode.VIDEO, null)).id());
                }
                List<String> notes = new ArrayList<>(total);
                RedisScript createScript = RedisScript.load(Notes.class, "create.lua");
                int[] next = {0};
                // Store, the same Redis work without crypto, and read alternate run by run, so that load changes on
                // the machine hit all three alike.
                List<Stat> stores = new ArrayList<>();
                List<Stat> baselines = new ArrayList<>();
                List<Stat> reads = new ArrayList<>();
                for (int run = 0; run <= runs; run++) {
                    int offset = run * ops;
                    Stat store = time(ops, i -> notes.add(records.notes()
                            .writeDraft(SPECIALIST, consultations.get(next[0]++), content).noteId()));
                    Stat baseline = time(ops, i -> redisWorkOfAStore(redis, records, createScript,
                            consultations.get(0), env));
                    Stat read = time(ops, i -> records.notes().read(SPECIALIST, notes.get(offset + i), 1));
                    if (run > 0) {
                        stores.add(store);
                        baselines.add(baseline);
                        reads.add(read);
                    }
                }
                row(size, "store note (encrypt + write + audit)", median(stores));
                row(size, "same Redis work, pre-encrypted (no crypto)", median(baselines));
                row(size, "read note (read + decrypt + audit)", median(reads));
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
            }
        }
        try (JedisPooled redis = new JedisPooled(URI.create(redisUrl))) {
            deleteRecordKeys(redis);
        }
    }

    /**
     * The Redis commands a note store sends, with a ciphertext sealed beforehand: one pipelined read of the
     * consultation and its note id, the create script (same keys and payload) and the audit append.
     */
    private static void redisWorkOfAStore(JedisPooled redis, Records records, RedisScript createScript,
                                          String consultationId, Envelope.Sealed sealed) {
        try (AbstractPipeline p = redis.pipelined()) {
            p.hgetAll(RedisKeys.consultation(consultationId));
            p.get(RedisKeys.consultationNote("con-baseline"));
            p.sync();
        }
        String noteId = Ids.newId("note");
        String versionKey = RedisKeys.noteVersion(noteId, 1);
        List<String> args = new ArrayList<>(List.of(noteId, "12", "patient", "pat-bench", "consultation",
                consultationId, "disp", "disp-bench", "author", SPECIALIST.userId(), "latest", "1", "createdAt",
                "2026-03-10T09:30:00Z", "dk", sealed.wrappedKey(), "kv", Integer.toString(sealed.kekVersion()), "ct",
                sealed.ciphertext(), "status", "DRAFT", "author", SPECIALIST.userId(), "createdAt",
                "2026-03-10T09:30:00Z"));
        createScript.run(redis, List.of(RedisKeys.consultationNote(noteId), RedisKeys.note(noteId), versionKey,
                RedisKeys.patientNotes("pat-bench"), RedisKeys.kekUsers(sealed.kekVersion())), args);
        records.audit().record(SPECIALIST, AuditLog.Event.success(AuditAction.NOTE_CREATE, "Note", noteId + "/1",
                "pat-bench"));
    }

    /** Lets the JIT compile the AES-GCM intrinsics before anything is timed. */
    private static void warmUpCrypto(SecretKey key, Envelope envelope, int[] sizes) {
        for (int size : sizes) {
            byte[] plain = new byte[size];
            for (int i = 0; i < 20_000; i++) {
                decrypt(key, encrypt(key, plain));
                Envelope.Sealed s = envelope.seal(plain, "warm-up", "warm-up");
                envelope.open(s.wrappedKey(), s.ciphertext(), "warm-up", "warm-up");
            }
        }
    }

    private interface Run {
        Stat get() throws Exception;
    }

    /** One warm-up run, then {@code runs} measured runs; the median of each figure. */
    private static Stat median(int runs, Run run) throws Exception {
        run.get();
        List<Stat> stats = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            stats.add(run.get());
        }
        return median(stats);
    }

    private static Stat median(List<Stat> stats) {
        return new Stat(med(stats.stream().mapToDouble(Stat::opsPerSecond).toArray()),
                med(stats.stream().mapToDouble(Stat::p50Micros).toArray()),
                med(stats.stream().mapToDouble(Stat::p99Micros).toArray()));
    }

    private static double med(double[] v) {
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static Stat time(int ops, IntConsumer op) {
        Histogram h = new Histogram(3_600_000_000L, 3);
        long start = System.nanoTime();
        for (int i = 0; i < ops; i++) {
            long t0 = System.nanoTime();
            op.accept(i);
            h.recordValue(Math.max(1, System.nanoTime() - t0));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Stat(ops / seconds, h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3);
    }

    private static void row(Object size, String what, Stat s) {
        System.out.printf(Locale.ROOT, "| %s | %s | %.0f | %.1f | %.1f |%n", size, what, s.opsPerSecond(),
                s.p50Micros(), s.p99Micros());
    }

    private static NoteContent noteOfSize(int bytes) {
        String filler = "Patiente de 58 ans, HTA connue, dyspnée d'effort stade II, pas de douleur thoracique. ";
        int per = Math.max(1, bytes / 7);
        String s = filler.repeat(per / filler.length() + 1).substring(0, per);
        return new NoteContent(s, s, s, s, s, s, s, null, "fr");
    }

    private static SecretKey aesKey() throws GeneralSecurityException {
        KeyGenerator g = KeyGenerator.getInstance("AES");
        g.init(256);
        return g.generateKey();
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private static byte[][] encrypt(SecretKey key, byte[] plain) {
        try {
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            return new byte[][] {nonce, c.doFinal(plain)};
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] decrypt(SecretKey key, byte[][] sealed) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, sealed[0]));
            return c.doFinal(sealed[1]);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteRecordKeys(JedisPooled redis) {
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanParams params = new ScanParams().match(RedisKeys.PREFIX + "*").count(1000);
        do {
            ScanResult<String> page = redis.scan(cursor, params);
            cursor = page.getCursor();
            if (!page.getResult().isEmpty()) {
                redis.del(page.getResult().toArray(String[]::new));
            }
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
