package ma.tabiblink.web.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import ma.tabiblink.records.Actor;
import ma.tabiblink.records.Records;
import ma.tabiblink.records.RedisKeys;
import ma.tabiblink.records.Role;
import ma.tabiblink.records.consultation.ConsultationMode;
import ma.tabiblink.records.consultation.ConsultationOrigin;
import ma.tabiblink.records.consultation.OpenConsultation;
import ma.tabiblink.records.keys.KeyRing;
import ma.tabiblink.records.keys.KeystoreSettings;
import ma.tabiblink.records.note.NoteContent;
import ma.tabiblink.records.patient.NewPatient;
import ma.tabiblink.records.patient.Sex;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.resps.StreamEntry;
import redis.embedded.RedisServer;

/** The operator's {@code keys} commands against a real Redis and a demo keystore, as the server would leave them. */
@Timeout(120)
class KeysCommandTest {

    static RedisServer server;
    static JedisPooled redis;
    static Path dataDir;
    static Map<String, String> env = new HashMap<>();
    static String patientId;
    static String noteId;
    static Records records;
    static final Actor CARDIO = new Actor("dr.cardio", Role.SPECIALIST, null, Set.of("cardiology"), "127.0.0.1");

    @BeforeAll
    static void start() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        server = RedisServer.newRedisServer().bind("127.0.0.1").port(port).setting("save \"\"").build();
        server.start();
        redis = new JedisPooled("127.0.0.1", port);
        dataDir = Files.createTempDirectory("tabib-keys-cmd");
        env.put("TABIB_DATA_DIR", dataDir.toString());
        env.put("TABIB_DEMO", "true");
        env.put("REDIS_URL", "redis://127.0.0.1:" + port);
        records = Records.create(redis, Clock.systemUTC(),
                KeyRing.open(KeystoreSettings.inDataDir(dataDir, null, null, true)), "http://localhost/fhir");
        patientId = records.patients().register(Actor.system("test"), new NewPatient("Ali Command",
                LocalDate.of(1970, 5, 5), null, Sex.MALE, "disp-tinghir", "ar", null, null, true)).id();
        String consultation = records.openConsultation(Actor.system("test"), new OpenConsultation(patientId,
                ConsultationOrigin.URGENT_CALL, "call-cmd-1", "dr.cardio", null, ConsultationMode.AUDIO, null)).id();
        noteId = records.notes().writeDraft(CARDIO, consultation, new NoteContent("r", "h", "f", "a", "p", "rx",
                "fu", null, "fr")).noteId();
        records.notes().sign(CARDIO, noteId);
    }

    @AfterAll
    static void stop() throws IOException {
        redis.close();
        server.stop();
    }

    record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = KeysCommand.run(args, env::get, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void rotateRewrapVerifyAndAuditVerifyRunAgainstTheServersRedisAndKeystore() {
        Result verify = run("keys", "verify");
        assertThat(verify.code()).as(verify.err()).isZero();
        assertThat(verify.out()).contains("OK");

        Result rotate = run("keys", "rotate");
        assertThat(rotate.code()).isZero();
        assertThat(rotate.out()).contains("key version 2 is now current");

        Result rewrap = run("keys", "rewrap");
        assertThat(rewrap.code()).as(rewrap.err()).isZero();
        assertThat(rewrap.out()).contains("retired versions [1]");
        // The running module picks the rotated keystore up from disk and still reads the note.
        assertThat(records.notes().read(CARDIO, noteId, 1).sections()).isNotEmpty();

        assertThat(run("keys", "audit-verify").out()).contains("audit chain intact");
    }

    @Test
    void auditVerifyWithACheckpointKeptOffTheServerCatchesTheNewestEntriesDeletedAndAnOldHeadPutBack() throws IOException {
        Map<String, String> oldHead = redis.hgetAll(RedisKeys.auditHead());
        long oldSeq = Long.parseLong(oldHead.get("seq"));
        records.patients().get(Actor.system("test"), patientId);
        Result checkpoint = run("keys", "audit-checkpoint");
        assertThat(checkpoint.code()).as(checkpoint.err()).isZero();
        assertThat(checkpoint.out()).startsWith("tabib-audit-checkpoint/v1 seq=");
        Path offTheServer = Files.createTempFile("audit-checkpoints", ".txt");
        Files.writeString(offTheServer, "# kept by the regional health information officer\n" + checkpoint.out());

        Result matching = run("keys", "audit-verify", "--checkpoint", offTheServer.toString());
        assertThat(matching.code()).as(matching.out() + matching.err()).isZero();
        assertThat(matching.out()).contains("audit chain intact").contains("matching 1 checkpoint");

        List<StreamEntry> all = redis.xrange(RedisKeys.auditStream(), "-", "+");
        Map<String, String> head = redis.hgetAll(RedisKeys.auditHead());
        try {
            for (StreamEntry e : all) {
                if (Long.parseLong(e.getFields().get("seq")) > oldSeq) {
                    redis.xdel(RedisKeys.auditStream(), e.getID());
                }
            }
            redis.del(RedisKeys.auditHead());
            redis.hset(RedisKeys.auditHead(), oldHead);

            Result rewound = run("keys", "audit-verify", "--checkpoint", offTheServer.toString());
            assertThat(rewound.code()).isEqualTo(1);
            assertThat(rewound.out()).contains("audit chain BROKEN at entry " + (oldSeq + 1))
                    .contains("newest entries are missing");
        } finally {
            // Put the chain back as it was for the other tests.
            redis.del(RedisKeys.auditStream());
            for (StreamEntry e : all) {
                redis.xadd(RedisKeys.auditStream(), e.getID(), e.getFields());
            }
            redis.del(RedisKeys.auditHead());
            redis.hset(RedisKeys.auditHead(), head);
        }
        assertThat(run("keys", "audit-verify", "--checkpoint").code()).isEqualTo(2);
        Files.writeString(offTheServer, "not a checkpoint\n");
        assertThat(run("keys", "audit-verify", "--checkpoint", offTheServer.toString()).err()).contains("INVALID_INPUT");
    }

    @Test
    void shreddingFromTheConsoleErasesThePatientAndMakesTheirNotesUnreadable() {
        String other = records.patients().register(Actor.system("test"), new NewPatient("Shred Me", null, 1990,
                Sex.FEMALE, "disp-tinghir", "ar", null, null, true)).id();
        String consultation = records.openConsultation(Actor.system("test"), new OpenConsultation(other,
                ConsultationOrigin.URGENT_CALL, "call-cmd-shred", "dr.cardio", null, ConsultationMode.VIDEO, null)).id();
        String note = records.notes().writeDraft(CARDIO, consultation, new NoteContent("r", null, null, null, "p",
                null, null, null, "fr")).noteId();
        Result shred = run("keys", "shred", other);
        assertThat(shred.code()).as(shred.err()).isZero();
        assertThat(shred.out()).contains("demographics destroyed").contains("1 note data keys destroyed");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> records.notes().read(CARDIO, note, 1))
                .hasMessageContaining("erased");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> records.patients().get(Actor.system("test"), other))
                .hasMessageContaining("erased");
    }

    @Test
    void badUsageAndMissingConfigurationAreClearErrors() {
        assertThat(run("keys").code()).isEqualTo(2);
        assertThat(run("keys", "explode").code()).isEqualTo(2);
        assertThat(run("keys", "shred").code()).isEqualTo(2);
        assertThat(run("keys", "shred", "pat-unknown").err()).contains("PATIENT_NOT_FOUND");
        String url = env.remove("REDIS_URL");
        try {
            Result r = run("keys", "verify");
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).contains("REDIS_URL");
        } finally {
            env.put("REDIS_URL", url);
        }
        Result init = run("keys", "init");
        assertThat(init.code()).isEqualTo(1);
        assertThat(init.err()).contains("KEY_IN_USE", "never overwritten");
    }
}
