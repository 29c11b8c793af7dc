package ma.tabiblink.records.note;

import static ma.tabiblink.records.TestRecords.CARDIO;
import static ma.tabiblink.records.TestRecords.note;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import ma.tabiblink.records.RecordsError;
import ma.tabiblink.records.RecordsException;
import ma.tabiblink.records.RedisKeys;
import ma.tabiblink.records.TestRecords;
import ma.tabiblink.records.consultation.Consultation;
import ma.tabiblink.records.patient.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

@Timeout(60)
class NoteEncryptionTest {

    static TestRecords t;

    @BeforeAll
    static void start() {
        t = new TestRecords();
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    @Test
    void noRedisKeyHoldsPlaintextNoteTextNameOrNationalId() {
        Patient p = t.tinghirPatient("Fatima Zahra Ait Oufella", "JB456789");
        Consultation c = t.urgentCall(p, CARDIO, "call-scan-1");
        NoteView draft = t.records.notes().writeDraft(CARDIO, c.id(), note("ZQXMARK"));
        t.records.notes().sign(CARDIO, draft.noteId());
        t.records.notes().amend(CARDIO, draft.noteId(), note("ZQXMARK-amended"));

        List<String> needles = List.of("ZQXMARK", "Douleur", "Aspirine", "Fatima", "Oufella", "JB456789", "456789");
        String everything = dumpAllRedisValues();
        for (String needle : needles) {
            assertThat(everything).as("plaintext '%s' in Redis", needle).doesNotContain(needle);
            String b64 = Base64.getEncoder().encodeToString(needle.getBytes(StandardCharsets.UTF_8));
            assertThat(everything).doesNotContain(b64.substring(0, b64.length() - 4));
        }
        assertThat(t.records.notes().read(CARDIO, draft.noteId(), 2).sections().get(NoteSection.REASON))
                .contains("ZQXMARK-amended");
    }

    @Test
    void flippingOneByteOfAStoredCiphertextIsAnIntegrityErrorNotGarbledText() {
        Patient p = t.tinghirPatient("Hassan Ouchen", null);
        Consultation c = t.urgentCall(p, CARDIO, "call-flip-1");
        NoteView v = t.records.notes().writeDraft(CARDIO, c.id(), note("flip"));
        String key = RedisKeys.noteVersion(v.noteId(), 1);
        String ct = t.redis.hget(key, "ct");
        String[] parts = ct.split("\\.");
        byte[] body = Base64.getUrlDecoder().decode(parts[2]);
        body[body.length / 2] ^= 0x01;
        t.redis.hset(key, "ct", parts[0] + "." + parts[1] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(body));

        assertThatThrownBy(() -> t.records.notes().read(CARDIO, v.noteId(), 1))
                .isInstanceOfSatisfying(RecordsException.class,
                        e -> assertThat(e.code()).isEqualTo(RecordsError.INTEGRITY_FAILURE));
    }

    @Test
    void aCiphertextMovedOntoAnotherNoteIsRefused() {
        Patient p = t.tinghirPatient("Aicha Moutawakil", null);
        Consultation c1 = t.urgentCall(p, CARDIO, "call-move-1");
        Consultation c2 = t.urgentCall(p, CARDIO, "call-move-2");
        NoteView a = t.records.notes().writeDraft(CARDIO, c1.id(), note("note-A"));
        NoteView b = t.records.notes().writeDraft(CARDIO, c2.id(), note("note-B"));
        String from = RedisKeys.noteVersion(a.noteId(), 1);
        String to = RedisKeys.noteVersion(b.noteId(), 1);

        // Only the ciphertext moved: the target's data key does not open it.
        t.redis.hset(to, "ct", t.redis.hget(from, "ct"));
        assertIntegrityFailure(b.noteId());

        // Ciphertext and wrapped data key moved together: the key is bound to its record and refuses to unwrap.
        t.redis.hset(to, Map.of("ct", t.redis.hget(from, "ct"), "dk", t.redis.hget(from, "dk")));
        assertIntegrityFailure(b.noteId());

        assertThat(t.records.notes().read(CARDIO, a.noteId(), 1).sections().get(NoteSection.REASON)).contains("note-A");
    }

    @Test
    void everyWriteUsesAFreshDataKeyAndNonce() {
        Patient p = t.tinghirPatient("Youssef Amrani", null);
        Consultation c = t.urgentCall(p, CARDIO, "call-fresh-1");
        NoteView v = t.records.notes().writeDraft(CARDIO, c.id(), note("same"));
        String key = RedisKeys.noteVersion(v.noteId(), 1);
        List<String> cts = new ArrayList<>();
        List<String> dks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            t.records.notes().writeDraft(CARDIO, c.id(), note("same"));
            cts.add(t.redis.hget(key, "ct"));
            dks.add(t.redis.hget(key, "dk"));
        }
        assertThat(cts).doesNotHaveDuplicates();
        assertThat(dks).doesNotHaveDuplicates();
        assertThat(dks.get(0)).startsWith("tl-records-kek.1.A256GCMKW.");
        assertThat(cts.get(0)).startsWith("A256GCM.");
    }

    private static void assertIntegrityFailure(String noteId) {
        assertThatThrownBy(() -> t.records.notes().read(CARDIO, noteId, 1))
                .isInstanceOfSatisfying(RecordsException.class,
                        e -> assertThat(e.code()).isEqualTo(RecordsError.INTEGRITY_FAILURE));
    }

    private static String dumpAllRedisValues() {
        StringBuilder sb = new StringBuilder();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = t.redis.scan(cursor, new ScanParams().count(200));
            cursor = page.getCursor();
            for (String key : page.getResult()) {
                sb.append(key).append('\n');
                switch (t.redis.type(key)) {
                    case "string" -> sb.append(t.redis.get(key));
                    case "hash" -> t.redis.hgetAll(key).forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
                    case "set" -> sb.append(t.redis.smembers(key));
                    case "zset" -> sb.append(t.redis.zrange(key, 0, -1));
                    case "stream" -> t.redis.xrange(key, "-", "+").forEach(e -> sb.append(e.getFields()));
                    default -> sb.append("?");
                }
                sb.append('\n');
            }
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return sb.toString();
    }
}
