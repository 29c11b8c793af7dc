package ma.tabiblink.records.cases;

import static ma.tabiblink.records.TestRecords.ADMIN;
import static ma.tabiblink.records.TestRecords.CARDIO;
import static ma.tabiblink.records.TestRecords.COORD;
import static ma.tabiblink.records.TestRecords.DERM;
import static ma.tabiblink.records.TestRecords.NURSE1;
import static ma.tabiblink.records.TestRecords.NURSE2;
import static ma.tabiblink.records.TestRecords.OPERATOR;
import static ma.tabiblink.records.TestRecords.note;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import ma.tabiblink.records.Actor;
import ma.tabiblink.records.Records;
import ma.tabiblink.records.RecordsError;
import ma.tabiblink.records.RecordsException;
import ma.tabiblink.records.Role;
import ma.tabiblink.records.TestRecords;
import ma.tabiblink.records.audit.AuditAction;
import ma.tabiblink.records.audit.AuditOutcome;
import ma.tabiblink.records.breakglass.BreakGlassLimit;
import ma.tabiblink.records.keys.KeyRing;
import ma.tabiblink.records.note.NoteView;
import ma.tabiblink.records.patient.NewPatient;
import ma.tabiblink.records.patient.Patient;
import ma.tabiblink.records.patient.Sex;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Store-and-forward tele-expertise against a real Redis: a nurse writes a case with vitals and photos, sends it, a
 * cardiologist claims it, asks for more and answers with a signed note; uploads resume after a cut; nobody else reads
 * it; nothing of it is in Redis in plaintext.
 */
@Timeout(120)
class CasesTest {

    private static final Actor CARDIO2 = new Actor("dr.cardio2", Role.SPECIALIST, null, Set.of("cardiology"),
            "10.0.1.9");
    private static final Vitals VITALS = new Vitals(165, 98, 88, 37.2, 96,
            new Vitals.Glucose(1.26, Vitals.GlucoseUnit.GRAMS_PER_LITRE), 71.5);

    static TestRecords t;
    static MovableClock clock;
    static Records records;
    Patient patient;

    /** A clock the test moves forward, to make a case overdue. */
    static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-03-10T09:30:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @BeforeAll
    static void start() {
        t = new TestRecords();
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    @BeforeEach
    void freshState() {
        t.reset();
        clock = new MovableClock();
        records = Records.create(t.redis, clock, KeyRing.open(t.keystoreSettings()), "https://tabib.test/fhir",
                BreakGlassLimit.DEFAULT, ServiceLevels.DEFAULT);
        patient = t.records.patients().register(NURSE1, new NewPatient("Fatima Cases",
                null, 1958, Sex.FEMALE, "disp-tinghir", "ar", null, null, true));
    }

    private Cases cases() {
        return records.cases();
    }

    private TeleExpertiseCase draft(String question, CaseUrgency urgency) {
        return cases().create(NURSE1, new NewCase(patient.id(), "cardiology", question, VITALS, urgency,
                "k-" + UUID.randomUUID()));
    }

    private AttachmentInfo upload(String caseId, AttachmentKind kind, byte[] content) {
        AttachmentInfo info = cases().beginAttachment(NURSE1, caseId, kind, content.length, "u-" + UUID.randomUUID());
        for (int offset = 0; offset < content.length; offset += Cases.MIN_CHUNK_BYTES) {
            byte[] chunk = Arrays.copyOfRange(content, offset, Math.min(content.length, offset + Cases.MIN_CHUNK_BYTES));
            info = cases().appendChunk(NURSE1, caseId, info.id(), offset, chunk);
        }
        return info;
    }

    private static void fails(RecordsError code, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(RecordsException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void aNurseSendsACaseWithVitalsAndPhotosAndItsSpecialtySeesItOnlyOnceSent() {
        TeleExpertiseCase c = draft("Douleur thoracique à l'effort depuis 3 jours, ECG joint", CaseUrgency.URGENT);
        String id = c.summary().id();
        upload(id, AttachmentKind.PHOTO, noisyPng(160, 160, 1));
        upload(id, AttachmentKind.PHOTO, jpeg(320, 240));

        assertThat(cases().inbox(CARDIO, "cardiology", 50)).isEmpty();
        fails(RecordsError.ACCESS_DENIED, () -> cases().get(CARDIO, id));
        fails(RecordsError.CASE_NOT_FOUND, () -> cases().claim(CARDIO, id));

        CaseSummary sent = cases().submit(NURSE1, id);
        assertThat(sent.status()).isEqualTo(CaseStatus.SUBMITTED);
        assertThat(sent.dueAt()).isEqualTo(sent.submittedAt().plus(Duration.ofHours(4)));
        assertThat(cases().inbox(CARDIO, "cardiology", 50)).extracting(CaseSummary::id).containsExactly(id);

        TeleExpertiseCase seen = cases().get(CARDIO, id);
        assertThat(seen.question()).isEqualTo("Douleur thoracique à l'effort depuis 3 jours, ECG joint");
        assertThat(seen.vitals()).isEqualTo(VITALS);
        assertThat(seen.summary().photos()).isEqualTo(2);
        assertThat(seen.attachments()).extracting(AttachmentInfo::mediaType).containsExactly("image/png", "image/jpeg");
        AttachmentBytes photo = cases().attachment(CARDIO, id, seen.attachments().get(1).id());
        assertThat(photo.mediaType()).isEqualTo("image/jpeg");
        assertThat(decodes(photo.content())).isTrue();
        fails(RecordsError.CASE_STATE_CONFLICT, () -> cases().submit(NURSE1, id));
    }

    @Test
    void theInboxListsTheMostUrgentFirstThenTheOldest() {
        String routine = draft("Souffle connu, contrôle", CaseUrgency.ROUTINE).summary().id();
        cases().submit(NURSE1, routine);
        clock.advance(Duration.ofMinutes(5));
        String urgentLater = draft("Douleur thoracique", CaseUrgency.URGENT).summary().id();
        String priority = draft("Palpitations", CaseUrgency.PRIORITY).summary().id();
        cases().submit(NURSE1, priority);
        clock.advance(Duration.ofMinutes(5));
        cases().submit(NURSE1, urgentLater);
        clock.advance(Duration.ofMinutes(5));
        String urgentLatest = draft("Syncope", CaseUrgency.URGENT).summary().id();
        cases().submit(NURSE1, urgentLatest);

        assertThat(cases().inbox(CARDIO, "cardiology", 50)).extracting(CaseSummary::id)
                .containsExactly(urgentLater, urgentLatest, priority, routine);
        assertThat(cases().inbox(CARDIO, "cardiology", 2)).hasSize(2);
    }

    @Test
    void aCutUploadContinuesWhereItStoppedAndTheCaseCannotBeSentMeanwhile() {
        String id = draft("Lésion cutanée pigmentée", CaseUrgency.PRIORITY).summary().id();
        byte[] png = noisyPng(200, 200, 7);
        assertThat(png.length).isGreaterThan(3 * Cases.MIN_CHUNK_BYTES);
        String key = "photo-1-" + UUID.randomUUID();
        AttachmentInfo begun = cases().beginAttachment(NURSE1, id, AttachmentKind.PHOTO, png.length, key);
        cases().appendChunk(NURSE1, id, begun.id(), 0, Arrays.copyOfRange(png, 0, Cases.MIN_CHUNK_BYTES));
        cases().appendChunk(NURSE1, id, begun.id(), Cases.MIN_CHUNK_BYTES,
                Arrays.copyOfRange(png, Cases.MIN_CHUNK_BYTES, 2 * Cases.MIN_CHUNK_BYTES));

        // The connection drops; the tablet does not know whether its second chunk arrived and sends it again.
        assertThatThrownBy(() -> cases().appendChunk(NURSE1, id, begun.id(), Cases.MIN_CHUNK_BYTES,
                Arrays.copyOfRange(png, Cases.MIN_CHUNK_BYTES, 2 * Cases.MIN_CHUNK_BYTES)))
                .isInstanceOfSatisfying(RecordsException.class, e -> {
                    assertThat(e.code()).isEqualTo(RecordsError.UPLOAD_OFFSET_MISMATCH);
                    assertThat(e.getMessage()).contains(Integer.toString(2 * Cases.MIN_CHUNK_BYTES));
                });
        // Beginning again with the same key finds the same upload and where it stands.
        AttachmentInfo again = cases().beginAttachment(NURSE1, id, AttachmentKind.PHOTO, png.length, key);
        assertThat(again.id()).isEqualTo(begun.id());
        assertThat(again.received()).isEqualTo(2L * Cases.MIN_CHUNK_BYTES);
        assertThat(cases().attachmentProgress(NURSE1, id, begun.id()).complete()).isFalse();

        fails(RecordsError.UPLOAD_INCOMPLETE, () -> cases().submit(NURSE1, id));
        assertThat(cases().inbox(CARDIO, "cardiology", 10)).isEmpty();
    }

    @Test
    void aCutUploadFinishesIntoTheSameImage() {
        String id = draft("Lésion cutanée pigmentée", CaseUrgency.PRIORITY).summary().id();
        byte[] png = noisyPng(200, 200, 11);
        String key = "photo-" + UUID.randomUUID();
        AttachmentInfo begun = cases().beginAttachment(NURSE1, id, AttachmentKind.PHOTO, png.length, key);
        cases().appendChunk(NURSE1, id, begun.id(), 0, Arrays.copyOfRange(png, 0, Cases.MIN_CHUNK_BYTES));
        long at = cases().beginAttachment(NURSE1, id, AttachmentKind.PHOTO, png.length, key).received();
        AttachmentInfo done = null;
        for (long offset = at; offset < png.length; offset += Cases.MAX_CHUNK_BYTES) {
            done = cases().appendChunk(NURSE1, id, begun.id(), offset,
                    Arrays.copyOfRange(png, (int) offset, (int) Math.min(png.length, offset + Cases.MAX_CHUNK_BYTES)));
        }
        assertThat(done.complete()).isTrue();
        assertThat(done.mediaType()).isEqualTo("image/png");
        cases().submit(NURSE1, id);
        byte[] stored = cases().attachment(CARDIO, id, begun.id()).content();
        assertThat(pixels(stored)).isEqualTo(pixels(png));
        assertThat(t.redis.keys("tl:rec:case:" + id + ":att:" + begun.id() + ":c:*")).isEmpty();
    }

    @Test
    void photosLoseTheirLocationAndCommentsBeforeTheyAreStored() {
        String id = draft("ECG", CaseUrgency.ROUTINE).summary().id();
        byte[] withExif = withExifAndComment(jpeg(400, 300), "GPS 31.5147N 5.5328W Tinghir", "Nurse phone SN-99812");
        AttachmentInfo info = upload(id, AttachmentKind.PHOTO, withExif);
        assertThat(info.bytes()).isLessThan(withExif.length);
        byte[] stored = cases().attachment(NURSE1, id, info.id()).content();
        String text = new String(stored, StandardCharsets.ISO_8859_1);
        assertThat(text).doesNotContain("31.5147N").doesNotContain("SN-99812").doesNotContain("Exif");
        assertThat(decodes(stored)).isTrue();
    }

    @Test
    void aVoiceNoteIsKeptByteForByteAndMarkedOnTheCase() {
        String id = draft("Écoutez la description des palpitations", CaseUrgency.ROUTINE).summary().id();
        byte[] recording = webmRecording(40_000);
        AttachmentInfo info = upload(id, AttachmentKind.VOICE_NOTE, recording);
        assertThat(info.complete()).isTrue();
        assertThat(info.mediaType()).isEqualTo("audio/webm");
        assertThat(info.bytes()).isEqualTo(recording.length);

        CaseSummary sent = cases().submit(NURSE1, id);
        assertThat(sent.voiceNote()).isTrue();
        assertThat(sent.photos()).isZero();
        AttachmentBytes stored = cases().attachment(CARDIO, id, info.id());
        assertThat(stored.mediaType()).isEqualTo("audio/webm");
        assertThat(stored.content()).isEqualTo(recording);
    }

    @Test
    void theContentNotTheNameDecidesWhatIsAcceptedAndLimitsAreCoded() {
        String id = draft("Document", CaseUrgency.ROUTINE).summary().id();
        byte[] pdf = ("%PDF-1.7\n" + "x".repeat(5000)).getBytes(StandardCharsets.US_ASCII);
        AttachmentInfo begun = cases().beginAttachment(NURSE1, id, AttachmentKind.PHOTO, pdf.length, "pdf-1");
        fails(RecordsError.ATTACHMENT_TYPE_REFUSED, () -> cases().appendChunk(NURSE1, id, begun.id(), 0, pdf));
        fails(RecordsError.ATTACHMENT_NOT_FOUND, () -> cases().attachmentProgress(NURSE1, id, begun.id()));

        byte[] whole = jpeg(200, 200);
        byte[] truncated = Arrays.copyOf(whole, whole.length / 2);
        AttachmentInfo cut = cases().beginAttachment(NURSE1, id, AttachmentKind.PHOTO, truncated.length, "cut-1");
        fails(RecordsError.ATTACHMENT_TYPE_REFUSED, () -> cases().appendChunk(NURSE1, id, cut.id(), 0, truncated));

        fails(RecordsError.ATTACHMENT_TOO_LARGE, () -> cases().beginAttachment(NURSE1, id, AttachmentKind.PHOTO,
                AttachmentKind.PHOTO.maxBytes() + 1L, "big-1"));
        fails(RecordsError.INVALID_INPUT, () -> cases().beginAttachment(NURSE1, id, AttachmentKind.PHOTO, 0, "zero"));
        AttachmentInfo small = cases().beginAttachment(NURSE1, id, AttachmentKind.PHOTO, 100_000, "small-chunks");
        fails(RecordsError.INVALID_INPUT, () -> cases().appendChunk(NURSE1, id, small.id(), 0, new byte[100]));

        byte[] photo = jpeg(64, 64);
        for (int i = 0; i < Cases.MAX_PHOTOS - 1; i++) {
            upload(id, AttachmentKind.PHOTO, photo);
        }
        fails(RecordsError.ATTACHMENT_LIMIT_REACHED, () -> cases().beginAttachment(NURSE1, id, AttachmentKind.PHOTO,
                photo.length, "seventh"));
        assertThat(cases().get(NURSE1, id).summary().photos()).isEqualTo(Cases.MAX_PHOTOS);
    }

    @Test
    void retriesWithTheSameIdempotencyKeyReturnTheSameCase() {
        NewCase in = new NewCase(patient.id(), "cardiology", "Dyspnée", VITALS, CaseUrgency.PRIORITY, "outbox-42");
        TeleExpertiseCase first = cases().create(NURSE1, in);
        TeleExpertiseCase retried = cases().create(NURSE1, in);
        assertThat(retried.summary().id()).isEqualTo(first.summary().id());
        assertThat(cases().ofDispensary(NURSE1, "disp-tinghir", 50)).hasSize(1);
        fails(RecordsError.CASE_STATE_CONFLICT, () -> cases().create(NURSE1, new NewCase(patient.id(), "dermatology",
                "Autre", null, CaseUrgency.ROUTINE, "outbox-42")));
    }

    @Test
    void badInputIsRefusedWithCodesThatNameTheField() {
        fails(RecordsError.INVALID_INPUT, () -> cases().create(NURSE1, new NewCase(patient.id(), "cardiology", " ",
                null, CaseUrgency.ROUTINE, "k1")));
        fails(RecordsError.INVALID_INPUT, () -> cases().create(NURSE1, new NewCase(patient.id(), "cardiology",
                "x".repeat(Cases.MAX_QUESTION_CHARS + 1), null, CaseUrgency.ROUTINE, "k2")));
        fails(RecordsError.INVALID_INPUT, () -> cases().create(NURSE1, new NewCase(patient.id(), "cardiology", "q",
                null, null, "k3")));
        fails(RecordsError.INVALID_INPUT, () -> cases().create(NURSE1, new NewCase(patient.id(), "card iology", "q",
                null, CaseUrgency.ROUTINE, "k4")));
        assertThatThrownBy(() -> new Vitals(null, null, null, 375.0, null, null, null).validated())
                .hasMessageContaining("temperatureCelsius");
        assertThatThrownBy(() -> new Vitals(120, null, null, null, null, null, null).validated())
                .hasMessageContaining("diastolic");
        assertThatThrownBy(() -> new Vitals(80, 120, null, null, null, null, null).validated())
                .hasMessageContaining("below");
        assertThatThrownBy(() -> new Vitals(null, null, null, null, 101, null, null).validated())
                .hasMessageContaining("oxygenSaturation");
        assertThatThrownBy(() -> new Vitals(null, null, null, null, null,
                new Vitals.Glucose(126, Vitals.GlucoseUnit.GRAMS_PER_LITRE), null).validated())
                .hasMessageContaining("glucose");
        assertThat(new Vitals(null, null, null, null, null, new Vitals.Glucose(126, Vitals.GlucoseUnit
                .MILLIGRAMS_PER_DECILITRE), null).validated().glucose().mmolPerLitre()).isBetween(6.9, 7.1);
        fails(RecordsError.CASE_NOT_FOUND, () -> cases().get(NURSE1, "case-doesnotexist"));
        fails(RecordsError.CASE_NOT_FOUND, () -> cases().get(NURSE1, "case-" + "0".repeat(32)));
    }

    @Test
    void aCaseAboutAPatientWithoutConsentIsRefused() {
        Patient refusing = t.records.patients().register(NURSE1, new NewPatient(
                "Omar Sans Accord", null, 1970, Sex.MALE, "disp-tinghir", "ar", null,
                null, false));
        fails(RecordsError.CONSENT_REQUIRED, () -> cases().create(NURSE1, new NewCase(refusing.id(), "cardiology",
                "q", null, CaseUrgency.ROUTINE, "k-consent")));
    }

    @Test
    void onlyTheDispensaryItsSpecialtyAndThenItsClaimerReadACase() {
        String id = draft("Question confidentielle", CaseUrgency.PRIORITY).summary().id();
        String attachment = upload(id, AttachmentKind.PHOTO, jpeg(100, 100)).id();
        fails(RecordsError.ACCESS_DENIED, () -> cases().get(NURSE2, id));
        fails(RecordsError.ACCESS_DENIED, () -> cases().submit(NURSE2, id));
        fails(RecordsError.ACCESS_DENIED, () -> cases().beginAttachment(NURSE2, id, AttachmentKind.PHOTO, 10, "x"));
        fails(RecordsError.ACCESS_DENIED, () -> cases().create(NURSE2, new NewCase(patient.id(), "cardiology", "q",
                null, CaseUrgency.ROUTINE, "k-other-dispensary")));
        cases().submit(NURSE1, id);

        fails(RecordsError.ACCESS_DENIED, () -> cases().get(DERM, id));
        fails(RecordsError.ACCESS_DENIED, () -> cases().attachment(DERM, id, attachment));
        fails(RecordsError.ACCESS_DENIED, () -> cases().inbox(DERM, "cardiology", 10));
        fails(RecordsError.ACCESS_DENIED, () -> cases().claim(DERM, id));
        fails(RecordsError.ACCESS_DENIED, () -> cases().get(COORD, id));
        fails(RecordsError.ACCESS_DENIED, () -> cases().get(ADMIN, id));
        fails(RecordsError.ACCESS_DENIED, () -> cases().ofDispensary(NURSE2, "disp-tinghir", 10));
        assertThat(cases().get(CARDIO2, id).question()).isEqualTo("Question confidentielle");
        assertThat(cases().attachment(CARDIO2, id, attachment).mediaType()).isEqualTo("image/jpeg");

        cases().claim(CARDIO, id);
        fails(RecordsError.ACCESS_DENIED, () -> cases().get(CARDIO2, id));
        fails(RecordsError.ACCESS_DENIED, () -> cases().attachment(CARDIO2, id, attachment));
        fails(RecordsError.ACCESS_DENIED, () -> cases().requestInformation(CARDIO2, id, "Et la TA ?"));
        assertThat(cases().inbox(CARDIO2, "cardiology", 10)).isEmpty();
        assertThat(cases().get(CARDIO, id).attachments()).hasSize(1);
        assertThat(cases().ofDispensary(COORD, "disp-tinghir", 10)).extracting(CaseSummary::claimedBy)
                .containsExactly("dr.cardio");

        assertThat(records.audit().entries(null, 10_000)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo(AuditAction.CASE_READ);
            assertThat(e.outcome()).isEqualTo(AuditOutcome.DENIED);
            assertThat(e.actorId()).isEqualTo("dr.cardio2");
            assertThat(e.entityId()).isEqualTo(id);
        }).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo(AuditAction.CASE_READ);
            assertThat(e.outcome()).isEqualTo(AuditOutcome.SUCCESS);
            assertThat(e.actorId()).isEqualTo("dr.cardio2");
            assertThat(e.entityType()).isEqualTo("CaseAttachment");
        });
    }

    @Test
    void whenTwoSpecialistsClaimTheSameCaseAtOnceExactlyOneGetsIt() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 10; round++) {
                String id = draft("Course " + round, CaseUrgency.URGENT).summary().id();
                cases().submit(NURSE1, id);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<String>> outcomes = new ArrayList<>();
                for (Actor who : List.of(CARDIO, CARDIO2)) {
                    outcomes.add(pool.submit(() -> {
                        go.await();
                        try {
                            return "won by " + cases().claim(who, id).summary().claimedBy();
                        } catch (RecordsException e) {
                            return e.code().name();
                        }
                    }));
                }
                go.countDown();
                List<String> results = new ArrayList<>();
                for (Future<String> f : outcomes) {
                    results.add(f.get());
                }
                assertThat(results).filteredOn(r -> r.startsWith("won by")).hasSize(1);
                assertThat(results).filteredOn(r -> r.equals("CASE_ALREADY_CLAIMED")).hasSize(1);
                assertThat(t.records.consultations().listOfPatient(patient.id()))
                        .filteredOn(c -> c.originRef().startsWith(id)).hasSize(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theSpecialistAsksForMoreThenAnswersWithASignedNoteTheNurseReads() {
        String id = draft("Dyspnée d'effort, œdèmes", CaseUrgency.PRIORITY).summary().id();
        cases().submit(NURSE1, id);
        TeleExpertiseCase claimed = cases().claim(CARDIO, id);
        assertThat(claimed.consultationId()).isNotNull();
        assertThat(cases().inbox(CARDIO, "cardiology", 10)).isEmpty();
        assertThat(cases().claimedBy(CARDIO, 10)).extracting(CaseSummary::id).containsExactly(id);

        CaseSummary asked = cases().requestInformation(CARDIO, id, "Pouvez-vous photographier les chevilles ?");
        assertThat(asked.status()).isEqualTo(CaseStatus.INFO_REQUESTED);
        fails(RecordsError.CASE_STATE_CONFLICT, () -> cases().requestInformation(CARDIO, id, "Encore ?"));
        upload(id, AttachmentKind.PHOTO, jpeg(120, 90));
        CaseSummary replied = cases().provideInformation(NURSE1, id, "Photo jointe, œdème bilatéral prenant le godet");
        assertThat(replied.status()).isEqualTo(CaseStatus.CLAIMED);
        assertThat(cases().get(CARDIO, id).messages()).extracting(CaseMessage::authorId, CaseMessage::text)
                .containsExactly(
                        Tuple.tuple("dr.cardio", "Pouvez-vous photographier les chevilles ?"),
                        Tuple.tuple("nurse1", "Photo jointe, œdème bilatéral prenant le godet"));

        fails(RecordsError.CASE_ANSWER_NOT_SIGNED, () -> cases().answer(CARDIO, id));
        NoteView draft = records.notes().writeDraft(CARDIO, claimed.consultationId(), note("case-answer"));
        fails(RecordsError.CASE_ANSWER_NOT_SIGNED, () -> cases().answer(CARDIO, id));
        fails(RecordsError.ACCESS_DENIED, () -> cases().answer(CARDIO2, id));
        records.notes().sign(CARDIO, draft.noteId());
        CaseSummary answered = cases().answer(CARDIO, id);
        assertThat(answered.status()).isEqualTo(CaseStatus.ANSWERED);
        assertThat(answered.answerNoteId()).isEqualTo(draft.noteId());

        NoteView forTheNurse = records.notes().read(NURSE1, answered.answerNoteId(), null);
        assertThat(forTheNurse.access()).isEqualTo("CARE_PLAN");
        assertThat(forTheNurse.sections()).isNotEmpty();
        assertThat(cases().ofDispensary(NURSE1, "disp-tinghir", 10)).extracting(CaseSummary::status)
                .containsExactly(CaseStatus.ANSWERED);
        assertThat(t.records.consultations().find(claimed.consultationId()).status().name()).isEqualTo("FINISHED");
    }

    @Test
    void theClaimerRecordsAConsultationOnceAndAsksForACallWhileTheCaseStaysClaimed() {
        String id = draft("Souffle systolique", CaseUrgency.ROUTINE).summary().id();
        cases().submit(NURSE1, id);
        Instant start = Instant.parse("2030-01-07T09:00:00Z");
        fails(RecordsError.ACCESS_DENIED, () -> cases().claimedForFollowUp(CARDIO, id));
        fails(RecordsError.ACCESS_DENIED, () -> cases().requestCall(CARDIO, id));
        cases().claim(CARDIO, id);
        assertThat(cases().claimedForFollowUp(CARDIO, id).patientId()).isNotBlank();
        fails(RecordsError.ACCESS_DENIED, () -> cases().claimedForFollowUp(DERM, id));
        fails(RecordsError.ACCESS_DENIED, () -> cases().recordConsultation(NURSE1, id, "apt_1", start, "booked"));

        CaseSummary booked = cases().recordConsultation(CARDIO, id, "apt_1", start, "Consultation booked");
        assertThat(booked.status()).isEqualTo(CaseStatus.CLAIMED);
        assertThat(booked.consultationAppointmentId()).isEqualTo("apt_1");
        assertThat(booked.consultationStart()).isEqualTo(start);
        cases().recordConsultation(CARDIO, id, "apt_1", start, "Consultation booked");
        CaseSummary called = cases().requestCall(CARDIO, id);
        assertThat(called.status()).isEqualTo(CaseStatus.CLAIMED);
        assertThat(called.callRequestedAt()).isNotNull();
        assertThat(cases().get(NURSE1, id).messages()).extracting(CaseMessage::kind, CaseMessage::appointmentId,
                CaseMessage::appointmentStart).containsExactly(
                        Tuple.tuple(CaseMessage.CONSULTATION_BOOKED, "apt_1", start),
                        Tuple.tuple(CaseMessage.CALL_REQUESTED, null, null));
    }

    @Test
    void anOverdueCaseShowsForCoordinatorsWhoHandItBackToTheInbox() {
        String urgent = draft("Douleur thoracique", CaseUrgency.URGENT).summary().id();
        String routine = draft("Contrôle", CaseUrgency.ROUTINE).summary().id();
        cases().submit(NURSE1, urgent);
        cases().submit(NURSE1, routine);
        cases().claim(CARDIO, urgent);
        clock.advance(Duration.ofHours(3));
        assertThat(cases().overdue(COORD, 50)).isEmpty();
        clock.advance(Duration.ofHours(2));
        assertThat(cases().overdue(COORD, 50)).extracting(CaseSummary::id).containsExactly(urgent);
        assertThat(cases().overdue(COORD, 50).get(0).overdue()).isTrue();
        fails(RecordsError.ACCESS_DENIED, () -> cases().overdue(NURSE1, 50));
        fails(RecordsError.ACCESS_DENIED, () -> cases().release(CARDIO2, urgent));

        CaseSummary back = cases().release(COORD, urgent);
        assertThat(back.status()).isEqualTo(CaseStatus.SUBMITTED);
        assertThat(back.claimedBy()).isNull();
        assertThat(cases().inbox(CARDIO2, "cardiology", 10)).extracting(CaseSummary::id)
                .containsExactly(urgent, routine);
        assertThat(cases().claimedBy(CARDIO, 10)).isEmpty();
        assertThat(cases().claim(CARDIO2, urgent).summary().claimedBy()).isEqualTo("dr.cardio2");
        fails(RecordsError.CASE_STATE_CONFLICT, () -> cases().release(COORD, routine));
        clock.advance(Duration.ofHours(70));
        assertThat(cases().overdue(COORD, 50)).extracting(CaseSummary::id).containsExactly(urgent, routine);
    }

    @Test
    void theBoardCountsWaitingCasesPerSpecialtyAndListsTheMostOverdueFirst() {
        String urgent = draft("Douleur thoracique", CaseUrgency.URGENT).summary().id();
        String routine = draft("Contrôle", CaseUrgency.ROUTINE).summary().id();
        draft("Brouillon", CaseUrgency.URGENT);
        cases().submit(NURSE1, routine);
        cases().submit(NURSE1, urgent);
        Cases.Board now = cases().board(List.of("cardiology", "dermatology"), 10);
        assertThat(now.waiting()).isEqualTo(Map.of("cardiology", 2L, "dermatology", 0L));
        assertThat(now.overdue()).isZero();

        cases().claim(CARDIO, urgent);
        clock.advance(Duration.ofHours(80));
        Cases.Board later = cases().board(List.of("cardiology", "dermatology"), 10);
        assertThat(later.waiting()).containsEntry("cardiology", 1L);
        assertThat(later.overdue()).isEqualTo(2);
        assertThat(later.mostOverdue()).extracting(CaseSummary::id).containsExactly(urgent, routine);
        assertThat(cases().board(List.of("cardiology"), 1).mostOverdue()).hasSize(1);
    }

    @Test
    void noCaseTextPhotoOrMessageIsInRedisInPlaintext() {
        String marker = "ZQX" + UUID.randomUUID().toString().substring(0, 8);
        String id = draft("Question " + marker, CaseUrgency.URGENT).summary().id();
        byte[] png = noisyPng(180, 180, 3);
        upload(id, AttachmentKind.PHOTO, png);
        AttachmentInfo half = cases().beginAttachment(NURSE1, id, AttachmentKind.PHOTO, png.length, "half");
        cases().appendChunk(NURSE1, id, half.id(), 0, Arrays.copyOfRange(png, 0, Cases.MIN_CHUNK_BYTES));
        byte[] sample = Arrays.copyOfRange(png, 2000, 2048);

        List<String> found = new ArrayList<>();
        ScanParams params = new ScanParams().match("*").count(500);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = t.redis.scan(cursor, params);
            cursor = page.getCursor();
            for (String key : page.getResult()) {
                for (String value : values(key)) {
                    byte[] raw = value.getBytes(StandardCharsets.ISO_8859_1);
                    if (value.contains(marker) || indexOf(raw, sample) >= 0
                            || value.contains(HexFormat.of().formatHex(sample))) {
                        found.add(key);
                    }
                }
            }
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        assertThat(found).isEmpty();
        assertThat(cases().get(NURSE1, id).question()).contains(marker);
    }

    @Test
    void erasingThePatientDestroysTheirCasesAndRefusesEveryLaterAccess() {
        String id = draft("Question à effacer", CaseUrgency.URGENT).summary().id();
        String photo = upload(id, AttachmentKind.PHOTO, jpeg(80, 80)).id();
        cases().submit(NURSE1, id);
        cases().claim(CARDIO, id);
        String other = draft("Autre question", CaseUrgency.ROUTINE).summary().id();
        byte[] png = noisyPng(200, 200, 5);
        AttachmentInfo pending = cases().beginAttachment(NURSE1, other, AttachmentKind.PHOTO, png.length, "pending");
        cases().appendChunk(NURSE1, other, pending.id(), 0, Arrays.copyOf(png, Cases.MIN_CHUNK_BYTES));

        var report = records.keyOperations().shred(OPERATOR, patient.id());
        assertThat(report.dataKeysDestroyed()).isGreaterThanOrEqualTo(4);

        fails(RecordsError.PATIENT_ERASED, () -> cases().get(NURSE1, id));
        fails(RecordsError.PATIENT_ERASED, () -> cases().attachment(CARDIO, id, photo));
        fails(RecordsError.PATIENT_ERASED, () -> cases().appendChunk(NURSE1, other, pending.id(),
                Cases.MIN_CHUNK_BYTES, Arrays.copyOfRange(png, Cases.MIN_CHUNK_BYTES, 2 * Cases.MIN_CHUNK_BYTES)));
        fails(RecordsError.PATIENT_ERASED, () -> cases().create(NURSE1, new NewCase(patient.id(), "cardiology",
                "Encore", null, CaseUrgency.ROUTINE, "after-erasure")));
        assertThat(cases().claimedBy(CARDIO, 10)).isEmpty();
        assertThat(cases().ofDispensary(NURSE1, "disp-tinghir", 10)).isEmpty();
        assertThat(t.redis.keys("tl:rec:case:" + id + "*")).containsExactly("tl:rec:case:" + id);
        assertThat(t.redis.keys("tl:rec:case:" + other + "*")).containsExactly("tl:rec:case:" + other);
        assertThat(t.redis.hgetAll("tl:rec:case:" + id)).containsOnlyKeys("id", "patient", "disp", "erasedAt");
        assertThat(t.redis.keys("tl:rec:kek:*")).allSatisfy(users -> assertThat(t.redis.smembers(users))
                .noneMatch(member -> member.startsWith("tl:rec:case:")));
    }

    private List<String> values(String key) {
        String type = t.redis.type(key);
        return switch (type) {
            case "string" -> List.of(t.redis.get(key));
            case "hash" -> {
                List<String> out = new ArrayList<>();
                t.redis.hgetAll(key).forEach((k, v) -> {
                    out.add(k);
                    out.add(v);
                });
                yield out;
            }
            case "set" -> List.copyOf(t.redis.smembers(key));
            case "zset" -> t.redis.zrange(key, 0, -1);
            case "list" -> t.redis.lrange(key, 0, -1);
            case "stream" -> t.redis.xrange(key, (StreamEntryID) null, null, 100_000).stream()
                    .map(StreamEntry::getFields).map(Map::toString).toList();
            default -> List.of();
        };
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The EBML header and Segment start Chromium's MediaRecorder writes, then stand-in audio bytes. */
    static byte[] webmRecording(int bytes) {
        byte[] header = HexFormat.of().parseHex("1a45dfa39f4286810142f7810142f2810442f381084282847765626d42878104428581021853"
                + "806701ffffffffffffff");
        byte[] recording = Arrays.copyOf(header, bytes);
        byte[] audio = new byte[bytes - header.length];
        new Random(3).nextBytes(audio);
        System.arraycopy(audio, 0, recording, header.length, audio.length);
        return recording;
    }

    static byte[] noisyPng(int w, int h, long seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(seed);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        return encode(img, "png");
    }

    static byte[] jpeg(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (x * 255 / w) << 16 | (y * 255 / h) << 8 | 0x40);
            }
        }
        return encode(img, "jpg");
    }

    private static byte[] encode(BufferedImage img, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, format, out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Splices an EXIF (APP1) segment and a comment (COM) right after the JPEG's start-of-image marker. */
    static byte[] withExifAndComment(byte[] jpeg, String exifText, String comment) {
        byte[] exif = ("Exif\0\0" + exifText).getBytes(StandardCharsets.ISO_8859_1);
        byte[] com = comment.getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        segment(out, 0xE1, exif);
        segment(out, 0xFE, com);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    private static void segment(ByteArrayOutputStream out, int marker, byte[] body) {
        int length = body.length + 2;
        out.write(0xFF);
        out.write(marker);
        out.write(length >> 8);
        out.write(length & 0xFF);
        out.writeBytes(body);
    }

    private static boolean decodes(byte[] image) {
        try {
            return ImageIO.read(new ByteArrayInputStream(image)) != null;
        } catch (IOException e) {
            return false;
        }
    }

    private static int[] pixels(byte[] image) {
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(image));
            return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
