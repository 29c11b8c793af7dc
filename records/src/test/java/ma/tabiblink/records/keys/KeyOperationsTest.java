package ma.tabiblink.records.keys;

import static ma.tabiblink.records.TestRecords.CARDIO;
import static ma.tabiblink.records.TestRecords.NURSE1;
import static ma.tabiblink.records.TestRecords.OPERATOR;
import static ma.tabiblink.records.TestRecords.note;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.time.LocalDate;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ma.tabiblink.records.RecordsError;
import ma.tabiblink.records.RecordsException;
import ma.tabiblink.records.RedisKeys;
import ma.tabiblink.records.TestRecords;
import ma.tabiblink.records.consultation.Consultation;
import ma.tabiblink.records.note.NoteSection;
import ma.tabiblink.records.note.NoteView;
import ma.tabiblink.records.operator.KeyOperations;
import ma.tabiblink.records.consultation.ConsultationStatus;
import ma.tabiblink.records.patient.IdentifierType;
import ma.tabiblink.records.patient.NewPatient;
import ma.tabiblink.records.patient.Patient;
import ma.tabiblink.records.patient.Sex;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class KeyOperationsTest {

    static TestRecords t;

    @BeforeAll
    static void start() {
        t = new TestRecords();
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    private NoteView signedNote(Patient p, String callId, String marker) {
        Consultation c = t.urgentCall(p, CARDIO, callId);
        NoteView v = t.records.notes().writeDraft(CARDIO, c.id(), note(marker));
        return t.records.notes().sign(CARDIO, v.noteId());
    }

    @Test
    void rotationThenRewrapKeepsEveryNoteReadableLeavesCiphertextsAloneAndRetiresTheOldVersion() {
        Patient p = t.tinghirPatient("Mina Rotation", "RT1234");
        NoteView a = signedNote(p, "call-rot-1", "rot-a");
        NoteView b = signedNote(p, "call-rot-2", "rot-b");
        t.records.notes().amend(CARDIO, b.noteId(), note("rot-b2"));
        int before = t.records.keyRing().currentVersion();
        Map<String, String> ciphertexts = new HashMap<>();
        for (String k : List.of(RedisKeys.noteVersion(a.noteId(), 1), RedisKeys.noteVersion(b.noteId(), 1),
                RedisKeys.noteVersion(b.noteId(), 2), RedisKeys.patient(p.id()))) {
            ciphertexts.put(k, t.redis.hget(k, k.contains(":pat:") ? "pii" : "ct"));
        }

        KeyOperations ops = t.records.keyOperations();
        int rotated = ops.rotate(OPERATOR);
        assertThat(rotated).isEqualTo(before + 1);
        NoteView c = signedNote(p, "call-rot-3", "rot-c");
        assertThat(t.redis.hget(RedisKeys.noteVersion(c.noteId(), 1), "dk")).startsWith("tl-records-kek." + rotated + ".");

        KeyOperations.RewrapReport report = ops.rewrap(OPERATOR);
        assertThat(report.problems()).isEmpty();
        assertThat(report.rewrapped()).isGreaterThanOrEqualTo(4);
        assertThat(report.retired()).contains(before);
        assertThat(t.records.keyRing().versions()).doesNotContain(before).contains(rotated);
        assertThat(t.redis.scard(RedisKeys.kekUsers(before))).isZero();

        ciphertexts.forEach((k, ct) -> assertThat(t.redis.hget(k, k.contains(":pat:") ? "pii" : "ct")).isEqualTo(ct));
        assertThat(t.records.notes().read(CARDIO, a.noteId(), 1).sections().get(NoteSection.REASON)).contains("rot-a");
        assertThat(t.records.notes().read(CARDIO, b.noteId(), 2).sections().get(NoteSection.REASON)).contains("rot-b2");
        assertThat(t.records.notes().read(CARDIO, c.noteId(), 1).sections().get(NoteSection.REASON)).contains("rot-c");
        assertThat(t.records.patients().get(NURSE1, p.id()).fullName()).isEqualTo("Mina Rotation");
        assertThat(t.records.notes().verifySignature(CARDIO, a.noteId(), 1).valid()).isTrue();

        KeyOperations.VerifyReport verify = ops.verify(OPERATOR);
        assertThat(verify.problems()).isEmpty();
        assertThat(verify.ok()).isTrue();
        assertThat(verify.dataKeysByVersion()).containsOnlyKeys(rotated);
    }

    @Test
    void aVersionStillUsedIsNotRetired() {
        Patient p = t.tinghirPatient("Said Stillused", null);
        NoteView a = signedNote(p, "call-keep-1", "keep");
        int old = t.records.keyRing().currentVersion();
        t.records.keyOperations().rotate(OPERATOR);
        // A wrapped key that is not tracked in the users set is found by the full scan, so the version stays.
        String k = RedisKeys.noteVersion(a.noteId(), 1);
        t.redis.srem(RedisKeys.kekUsers(old), k);
        KeyOperations.RewrapReport report = t.records.keyOperations().rewrap(OPERATOR);
        assertThat(report.retired()).doesNotContain(old);
        assertThat(t.records.keyRing().versions()).contains(old);
        assertThat(t.records.notes().read(CARDIO, a.noteId(), 1).sections()).containsKey(NoteSection.PLAN);
        t.redis.sadd(RedisKeys.kekUsers(old), k);
        assertThat(t.records.keyOperations().rewrap(OPERATOR).retired()).contains(old);
    }

    @Test
    void shreddingAPatientMakesTheirNotesUnreadableAndLeavesOthersIntact() {
        Patient erased = t.tinghirPatient("Rachid Erased", null);
        Patient kept = t.tinghirPatient("Naima Kept", null);
        NoteView gone = signedNote(erased, "call-shred-1", "shred-gone");
        t.records.notes().amend(CARDIO, gone.noteId(), note("shred-gone-2"));
        NoteView stays = signedNote(kept, "call-shred-2", "shred-stays");

        KeyOperations.ShredReport report = t.records.keyOperations().shred(OPERATOR, erased.id());
        assertThat(report.dataKeysDestroyed()).isEqualTo(2);

        for (int version : new int[] {1, 2}) {
            assertThatThrownBy(() -> t.records.notes().read(CARDIO, gone.noteId(), version))
                    .isInstanceOfSatisfying(RecordsException.class,
                            e -> assertThat(e.code()).isEqualTo(RecordsError.NOTE_SHREDDED));
            assertThat(t.redis.hget(RedisKeys.noteVersion(gone.noteId(), version), "dk")).isNull();
        }
        assertThat(t.records.notes().read(CARDIO, stays.noteId(), 1).sections().get(NoteSection.REASON))
                .contains("shred-stays");
        assertThat(t.records.keyOperations().verify(OPERATOR).problems()).isEmpty();
    }

    private static List<String> indexEntriesPointingTo(String patientId) {
        return t.redis.keys(RedisKeys.PREFIX + "idx:*").stream()
                .filter(k -> patientId.equals(t.redis.get(k))).toList();
    }

    private static void erased(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(RecordsException.class,
                e -> assertThat(e.code()).isEqualTo(RecordsError.PATIENT_ERASED));
    }

    @Test
    void shreddingAPatientAlsoDestroysTheirDemographicsAndIdentifierIndexEntries() {
        Patient forgotten = t.records.patients().register(NURSE1, new NewPatient("Ilham Forgotten",
                LocalDate.of(1980, 1, 1), null, Sex.FEMALE, "disp-tinghir", "ar", "FG123456", "CNSS-778899", true));
        Patient remembered = t.tinghirPatient("Zahra Remembered", "RM654321");
        assertThat(indexEntriesPointingTo(forgotten.id())).hasSize(2);

        KeyOperations.ShredReport report = t.records.keyOperations().shred(OPERATOR, forgotten.id());
        assertThat(report.demographicsDestroyed()).isTrue();
        assertThat(report.identifiersRemoved()).isEqualTo(2);

        assertThat(indexEntriesPointingTo(forgotten.id())).isEmpty();
        Map<String, String> tombstone = t.redis.hgetAll(RedisKeys.patient(forgotten.id()));
        assertThat(tombstone).containsOnlyKeys("disp", "erasedAt");
        assertThat(t.redis.keys(RedisKeys.kekUsersPrefix() + "*").stream()
                .flatMap(k -> t.redis.smembers(k).stream())).doesNotContain(RedisKeys.patient(forgotten.id()));
        assertThatThrownBy(() -> t.records.patients().findByIdentifier(NURSE1, IdentifierType.NATIONAL_ID, "FG123456"))
                .isInstanceOfSatisfying(RecordsException.class,
                        e -> assertThat(e.code()).isEqualTo(RecordsError.PATIENT_NOT_FOUND));
        erased(() -> t.records.patients().get(NURSE1, forgotten.id()));
        erased(() -> t.records.fhir().patientBundle(CARDIO, forgotten.id()));
        assertThat(t.records.patients().ofDispensary(NURSE1, "disp-tinghir", "Ilham", 50)).isEmpty();
        assertThat(t.records.patients().findByIdentifier(NURSE1, IdentifierType.NATIONAL_ID, "RM654321").id())
                .isEqualTo(remembered.id());

        KeyOperations.ShredReport again = t.records.keyOperations().shred(OPERATOR, forgotten.id());
        assertThat(again.demographicsDestroyed()).isFalse();
        assertThat(again.identifiersRemoved()).isZero();
        assertThat(t.records.keyOperations().verify(OPERATOR).problems()).isEmpty();
    }

    @Test
    void afterShreddingEveryWriteForThePatientIsRefused() {
        Patient p = t.tinghirPatient("Omar Erased", null);
        Consultation withDraft = t.urgentCall(p, CARDIO, "call-erase-1");
        NoteView draft = t.records.notes().writeDraft(CARDIO, withDraft.id(), note("erase-draft"));
        NoteView signed = signedNote(p, "call-erase-2", "erase-signed");
        Consultation withoutNote = t.urgentCall(p, CARDIO, "call-erase-3");

        t.records.keyOperations().shred(OPERATOR, p.id());

        erased(() -> t.records.patients().recordConsent(NURSE1, p.id(), false));
        erased(() -> t.urgentCall(p, CARDIO, "call-erase-4"));
        erased(() -> t.urgentCall(p, CARDIO, "call-erase-1"));
        erased(() -> t.records.consultations().update(CARDIO, withoutNote.id(), ConsultationStatus.FINISHED, null));
        erased(() -> t.records.notes().writeDraft(CARDIO, withoutNote.id(), note("erase-new")));
        erased(() -> t.records.notes().writeDraft(CARDIO, withDraft.id(), note("erase-replace")));
        erased(() -> t.records.notes().amend(CARDIO, signed.noteId(), note("erase-amend")));
        erased(() -> t.records.notes().sign(CARDIO, draft.noteId()));
        assertThat(t.redis.hgetAll(RedisKeys.noteVersion(signed.noteId(), 2))).isEmpty();
        assertThat(t.redis.get(RedisKeys.consultationNote(withoutNote.id()))).isNull();
        assertThat(t.records.consultations().find(withoutNote.id()).status()).isEqualTo(ConsultationStatus.IN_PROGRESS);
    }

    @Test
    void verifyNamesADamagedNoteOrPatientRecordAndATamperedSignature() {
        Patient p = t.tinghirPatient("Damaged Record", null);
        NoteView n = signedNote(p, "call-verify-1", "verify");
        String patientKey = RedisKeys.patient(p.id());
        String versionKey = RedisKeys.noteVersion(n.noteId(), 1);
        Map<String, String> patient = t.redis.hgetAll(patientKey);
        Map<String, String> version = t.redis.hgetAll(versionKey);
        try {
            t.redis.hset(patientKey, "pii", patient.get("pii").substring(0, patient.get("pii").length() - 2) + "AA");
            t.redis.hset(versionKey, "signedAt", "2026-01-01T00:00:00Z");
            KeyOperations.VerifyReport report = t.records.keyOperations().verify(OPERATOR);
            assertThat(report.ok()).isFalse();
            assertThat(report.problems()).anySatisfy(pr -> assertThat(pr).startsWith(patientKey).contains("INTEGRITY_FAILURE"));
            assertThat(report.problems()).anySatisfy(pr -> assertThat(pr).startsWith(versionKey).contains("signature"));
        } finally {
            t.redis.hset(patientKey, patient);
            t.redis.hset(versionKey, version);
        }
        assertThat(t.records.keyOperations().verify(OPERATOR).problems()).isEmpty();
    }

    @Test
    void keyOperationsAreForAdministratorsOnly() {
        assertThatThrownBy(() -> t.records.keyOperations().rotate(CARDIO))
                .isInstanceOfSatisfying(RecordsException.class,
                        e -> assertThat(e.code()).isEqualTo(RecordsError.ACCESS_DENIED));
    }

    @Test
    void demoModeGeneratesKeystoreAndAPrivatePassphraseFile() throws Exception {
        var dir = Files.createTempDirectory("tabib-keys");
        KeyRing ring = KeyRing.open(KeystoreSettings.inDataDir(dir, null, null, true));
        assertThat(ring.currentVersion()).isEqualTo(1);
        var pass = dir.resolve("keys").resolve(KeystoreSettings.DEMO_PASSPHRASE_FILE_NAME);
        assertThat(Files.getPosixFilePermissions(pass))
                .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        assertThat(Files.getPosixFilePermissions(dir.resolve("keys").resolve(KeystoreSettings.KEYSTORE_FILE_NAME)))
                .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        // Opening again reads the same keys.
        KeyRing again = KeyRing.open(KeystoreSettings.inDataDir(dir, null, null, true));
        assertThat(again.lookupKey().getEncoded()).isEqualTo(ring.lookupKey().getEncoded());
    }

    @Test
    void outsideDemoModeAMissingKeystoreOrPassphraseIsAClearStartupError() throws Exception {
        var dir = Files.createTempDirectory("tabib-keys");
        assertThatThrownBy(() -> KeyRing.open(KeystoreSettings.inDataDir(dir, null, null, false)))
                .isInstanceOfSatisfying(RecordsException.class, e -> {
                    assertThat(e.code()).isEqualTo(RecordsError.KEYSTORE_UNAVAILABLE);
                    assertThat(e.getMessage()).contains("TABIB_RECORDS_KEYSTORE_PASSPHRASE");
                });
        assertThatThrownBy(() -> KeyRing.open(KeystoreSettings.inDataDir(dir, "a-passphrase-of-thirty-characters", null, false)))
                .isInstanceOfSatisfying(RecordsException.class, e -> {
                    assertThat(e.code()).isEqualTo(RecordsError.KEYSTORE_UNAVAILABLE);
                    assertThat(e.getMessage()).contains("keys init");
                });
        KeyRing.initialise(KeystoreSettings.inDataDir(dir, "a-passphrase-of-thirty-characters", null, false));
        assertThat(KeyRing.open(KeystoreSettings.inDataDir(dir, "a-passphrase-of-thirty-characters", null, false)).currentVersion())
                .isEqualTo(1);
        assertThatThrownBy(() -> KeyRing.open(KeystoreSettings.inDataDir(dir, "the-wrong-passphrase-of-thirty-chars", null, false)))
                .isInstanceOfSatisfying(RecordsException.class,
                        e -> assertThat(e.code()).isEqualTo(RecordsError.KEYSTORE_UNAVAILABLE));
    }

    @Test
    void outsideDemoModeAPassphraseShorterThanTwentyCharactersIsRefused() throws Exception {
        var dir = Files.createTempDirectory("tabib-keys");
        var passFile = dir.resolve("passphrase");
        Files.writeString(passFile, "nineteen-characters\n");
        assertThatThrownBy(() -> KeyRing.initialise(KeystoreSettings.inDataDir(dir, null, passFile, false)))
                .isInstanceOfSatisfying(RecordsException.class, e -> {
                    assertThat(e.code()).isEqualTo(RecordsError.KEYSTORE_UNAVAILABLE);
                    assertThat(e.getMessage()).contains("too short (19 characters)").contains("at least 20");
                });
        assertThat(Files.exists(dir.resolve("keys").resolve(KeystoreSettings.KEYSTORE_FILE_NAME))).isFalse();
        // The same short passphrase cannot open a keystore created with it either (e.g. by an older version).
        KeyRing.initialise(KeystoreSettings.inDataDir(dir, "nineteen-characters", null, true));
        assertThatThrownBy(() -> KeyRing.open(KeystoreSettings.inDataDir(dir, "nineteen-characters", null, false)))
                .isInstanceOfSatisfying(RecordsException.class,
                        e -> assertThat(e.getMessage()).contains("too short"));
        Files.writeString(passFile, "twenty-characters-ok\n");
        var other = Files.createTempDirectory("tabib-keys");
        assertThat(KeyRing.initialise(KeystoreSettings.inDataDir(other, null, passFile, false)).currentVersion()).isEqualTo(1);
    }
}
