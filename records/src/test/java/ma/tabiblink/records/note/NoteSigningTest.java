package ma.tabiblink.records.note;

import static ma.tabiblink.records.TestRecords.CARDIO;
import static ma.tabiblink.records.TestRecords.note;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import ma.tabiblink.records.RecordsError;
import ma.tabiblink.records.RecordsException;
import ma.tabiblink.records.RedisKeys;
import ma.tabiblink.records.TestRecords;
import ma.tabiblink.records.consultation.Consultation;
import ma.tabiblink.records.keys.Envelope;
import ma.tabiblink.records.keys.KeyRing;
import ma.tabiblink.records.patient.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class NoteSigningTest {

    static TestRecords t;

    @BeforeAll
    static void start() {
        t = new TestRecords();
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    private NoteView signedNote(String callId) {
        Patient p = t.tinghirPatient("Khadija Bennani", null);
        Consultation c = t.urgentCall(p, CARDIO, callId);
        NoteView draft = t.records.notes().writeDraft(CARDIO, c.id(), note("sign"));
        return t.records.notes().sign(CARDIO, draft.noteId());
    }

    @Test
    void aSignedNoteVerifiesWithTheSpecialistsPublishedPublicKey() throws Exception {
        NoteView signed = signedNote("call-sign-1");
        assertThat(signed.status()).isEqualTo(NoteStatus.FINAL);
        assertThat(signed.signedBy()).isEqualTo("dr.cardio");

        SignatureCheck check = t.records.notes().verifySignature(CARDIO, signed.noteId(), 1);
        assertThat(check.valid()).isTrue();
        SigningKey key = t.records.signingKeys().publicKey("dr.cardio").orElseThrow();
        assertThat(key.algorithm()).isEqualTo("Ed25519");
        assertThat(check.keyId()).isEqualTo(key.keyId());
        // The public key is a standard X.509 SubjectPublicKeyInfo that the JDK reads back.
        assertThat(KeyFactory.getInstance("Ed25519")
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(key.publicKey())))).isNotNull();
    }

    @Test
    void amendingCreatesANewVersionAndTheSignedOneStaysReadableAndUnchanged() {
        NoteView v1 = signedNote("call-amend-1");
        Map<String, String> storedV1 = t.redis.hgetAll(RedisKeys.noteVersion(v1.noteId(), 1));

        NoteView v2 = t.records.notes().amend(CARDIO, v1.noteId(), note("amended"));
        assertThat(v2.version()).isEqualTo(2);
        assertThat(v2.status()).isEqualTo(NoteStatus.DRAFT);
        NoteView v2signed = t.records.notes().sign(CARDIO, v1.noteId());
        assertThat(v2signed.status()).isEqualTo(NoteStatus.AMENDED);

        assertThat(t.redis.hgetAll(RedisKeys.noteVersion(v1.noteId(), 1))).isEqualTo(storedV1);
        assertThat(t.records.notes().read(CARDIO, v1.noteId(), 1).sections().get(NoteSection.REASON)).contains("sign");
        assertThat(t.records.notes().read(CARDIO, v1.noteId(), null).sections().get(NoteSection.REASON))
                .contains("amended");
        assertThat(t.records.notes().verifySignature(CARDIO, v1.noteId(), 1).valid()).isTrue();
        assertThat(t.records.notes().verifySignature(CARDIO, v1.noteId(), 2).valid()).isTrue();
    }

    @Test
    void aSignedVersionCannotBeOverwrittenByWritingADraft() {
        NoteView v1 = signedNote("call-overwrite-1");
        assertThatThrownBy(() -> t.records.notes().writeDraft(CARDIO, v1.consultationId(), note("overwrite")))
                .isInstanceOfSatisfying(RecordsException.class,
                        e -> assertThat(e.code()).isEqualTo(RecordsError.NOTE_NOT_DRAFT));
        assertThatThrownBy(() -> t.records.notes().sign(CARDIO, v1.noteId()))
                .isInstanceOfSatisfying(RecordsException.class,
                        e -> assertThat(e.code()).isEqualTo(RecordsError.NOTE_NOT_DRAFT));
    }

    @Test
    void signatureVerificationFailsAfterTamperingWithSignatureSignerTimeOrContent() {
        NoteView v = signedNote("call-tamper-1");
        String key = RedisKeys.noteVersion(v.noteId(), 1);
        Map<String, String> original = t.redis.hgetAll(key);

        byte[] sig = Base64.getDecoder().decode(original.get("sig"));
        sig[3] ^= 0x10;
        t.redis.hset(key, "sig", Base64.getEncoder().encodeToString(sig));
        assertThat(t.records.notes().verifySignature(CARDIO, v.noteId(), 1).valid()).isFalse();
        t.redis.hset(key, original);

        t.redis.hset(key, "signedAt", "2026-03-11T09:30:00Z");
        assertThat(t.records.notes().verifySignature(CARDIO, v.noteId(), 1).valid()).isFalse();
        t.redis.hset(key, original);

        t.redis.hset(key, "signer", "dr.pedia");
        assertThat(t.records.notes().verifySignature(CARDIO, v.noteId(), 1).valid()).isFalse();
        t.redis.hset(key, original);

        // Someone holding the key-encryption key re-encrypts different content in place: decryption succeeds,
        // the signature does not.
        Envelope envelope = new Envelope(KeyRing.open(t.keystoreSettings()));
        String binding = "patient=" + v.patientId() + "|consultation=" + v.consultationId() + "|note=" + v.noteId()
                + "|version=1";
        Envelope.Sealed forged = envelope.seal(
                "{\"reason\":\"forged\",\"language\":\"fr\"}".getBytes(StandardCharsets.UTF_8), binding, key);
        t.redis.hset(key, Map.of("dk", forged.wrappedKey(), "ct", forged.ciphertext()));
        assertThat(t.records.notes().read(CARDIO, v.noteId(), 1).sections().get(NoteSection.REASON)).isEqualTo("forged");
        SignatureCheck check = t.records.notes().verifySignature(CARDIO, v.noteId(), 1);
        assertThat(check.valid()).isFalse();
        assertThat(check.problem()).contains("does not match");
        t.redis.hset(key, original);

        assertThat(t.records.notes().verifySignature(CARDIO, v.noteId(), 1).valid()).isTrue();
    }

    @Test
    void theSignatureIsAnEd25519SignatureOverTheDocumentedInput() throws Exception {
        NoteView v = signedNote("call-format-1");
        Map<String, String> stored = t.redis.hgetAll(RedisKeys.noteVersion(v.noteId(), 1));
        SigningKey key = t.records.signingKeys().publicKey("dr.cardio").orElseThrow();
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(KeyFactory.getInstance("Ed25519")
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(key.publicKey()))));
        byte[] json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(note("sign"));
        String digest = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(json));
        String input = "tabib-link/note-signature/v1\n" + v.noteId() + "\n1\n" + v.patientId() + "\n"
                + v.consultationId() + "\ndr.cardio\n" + stored.get("signedAt") + "\n" + digest;
        verifier.update(input.getBytes(StandardCharsets.UTF_8));
        assertThat(verifier.verify(Base64.getDecoder().decode(stored.get("sig")))).isTrue();
    }
}
