package ma.tabiblink.records.fhir;

import static ma.tabiblink.records.TestRecords.CARDIO;
import static ma.tabiblink.records.TestRecords.DERM;
import static ma.tabiblink.records.TestRecords.NURSE1;
import static ma.tabiblink.records.TestRecords.NURSE2;
import static ma.tabiblink.records.TestRecords.note;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import ma.tabiblink.records.Actor;
import ma.tabiblink.records.RecordsError;
import ma.tabiblink.records.RecordsException;
import ma.tabiblink.records.Role;
import ma.tabiblink.records.TestRecords;
import ma.tabiblink.records.audit.AuditAction;
import ma.tabiblink.records.audit.AuditOutcome;
import ma.tabiblink.records.cases.AttachmentInfo;
import ma.tabiblink.records.cases.AttachmentKind;
import ma.tabiblink.records.cases.CaseStatus;
import ma.tabiblink.records.cases.CaseUrgency;
import ma.tabiblink.records.cases.Cases;
import ma.tabiblink.records.cases.NewCase;
import ma.tabiblink.records.cases.TeleExpertiseCase;
import ma.tabiblink.records.cases.Vitals;
import ma.tabiblink.records.note.NoteView;
import ma.tabiblink.records.patient.Patient;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A tele-expertise case exported as FHIR R4 against a real Redis: written with full vitals, two photos and a voice
 * note, sent, claimed, asked about, replied to and answered with a signed note; every resource validates against the
 * R4 core profiles (the vital-signs ones included) with HAPI's validator.
 */
@Timeout(180)
class CaseFhirExportTest {

    private static final Actor CARDIO2 = new Actor("dr.cardio2", Role.SPECIALIST, null, Set.of("cardiology"),
            "10.0.1.9");
    private static final String PROFILES = "http://hl7.org/fhir/StructureDefinition/";
    private static final String QUESTION = "Douleur thoracique à l'effort depuis 3 jours, ECG photographié";
    private static final Vitals VITALS = new Vitals(165, 98, 88, 37.2, 96,
            new Vitals.Glucose(1.26, Vitals.GlucoseUnit.GRAMS_PER_LITRE), 71.5);

    static TestRecords t;
    static FhirValidator validator;
    static IParser parser;
    static Patient patient;
    static String caseId;
    static String consultationId;
    static NoteView answer;
    static List<AttachmentInfo> attachments;

    @BeforeAll
    static void start() {
        t = new TestRecords();
        FhirContext ctx = FhirContext.forR4Cached();
        parser = ctx.newJsonParser().setParserErrorHandler(new StrictErrorHandler());
        ValidationSupportChain chain = new ValidationSupportChain(new DefaultProfileValidationSupport(ctx),
                new SnapshotGeneratingValidationSupport(ctx), new InMemoryTerminologyServerValidationSupport(ctx),
                new CommonCodeSystemsTerminologyService(ctx));
        validator = ctx.newValidator();
        validator.registerValidatorModule(new FhirInstanceValidator(chain));

        patient = t.tinghirPatient("Khadija Expertise", "FE123456");
        caseId = cases().create(NURSE1, new NewCase(patient.id(), "cardiology", QUESTION, VITALS, CaseUrgency.URGENT,
                "k-" + UUID.randomUUID())).summary().id();
        upload(caseId, AttachmentKind.PHOTO, image(320, 240, "jpg"));
        upload(caseId, AttachmentKind.PHOTO, image(160, 160, "png"));
        upload(caseId, AttachmentKind.VOICE_NOTE, webm());
        cases().submit(NURSE1, caseId);
        TeleExpertiseCase claimed = cases().claim(CARDIO, caseId);
        consultationId = claimed.consultationId();
        cases().requestInformation(CARDIO, caseId, "Pouvez-vous photographier les chevilles ?");
        cases().provideInformation(NURSE1, caseId, "Œdème bilatéral prenant le godet");
        answer = t.records.notes().writeDraft(CARDIO, consultationId, note("case-fhir"));
        t.records.notes().sign(CARDIO, answer.noteId());
        cases().answer(CARDIO, caseId);
        attachments = cases().get(CARDIO, caseId).attachments();
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    private static Cases cases() {
        return t.records.cases();
    }

    /** The export as HAPI reads it; an element R4 does not know fails the test. */
    private static Bundle export(Actor actor, String id) {
        return parse(t.records.caseFhir().exportCase(actor, id));
    }

    private static Bundle parse(CollectionBundle bundle) {
        return parser.parseResource(Bundle.class, bundle.json());
    }

    private static <T extends Resource> List<T> all(Bundle b, Class<T> type) {
        return b.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(type::isInstance)
                .map(type::cast).toList();
    }

    private static ServiceRequest request(Bundle b) {
        return all(b, ServiceRequest.class).get(0);
    }

    private static void assertValid(Resource r) {
        ValidationResult result = validator.validateWithResult(r);
        List<String> errors = result.getMessages().stream()
                .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
                .map(SingleValidationMessage::toString).toList();
        assertThat(errors).as(r.fhirType() + " " + r.getIdElement().getIdPart()).isEmpty();
    }

    private static void assertAllValid(Bundle b) {
        assertValid(b);
        for (Bundle.BundleEntryComponent e : b.getEntry()) {
            assertValid(e.getResource());
        }
    }

    @Test
    void theAnsweredCaseExportsAsACollectionBundleThatValidatesWithoutErrors() {
        Bundle b = export(CARDIO, caseId);
        assertThat(b.getType()).isEqualTo(Bundle.BundleType.COLLECTION);
        assertAllValid(b);
        assertThat(b.getEntry()).extracting(e -> e.getResource().fhirType())
                .containsExactly("ServiceRequest", "Observation", "Observation", "Observation", "Observation",
                        "Observation", "Observation", "Media", "Media", "Media", "Communication", "Communication");
        assertThat(b.getEntry()).allSatisfy(e -> assertThat(e.getFullUrl())
                .isEqualTo("https://tabib.test/fhir/" + e.getResource().fhirType() + "/"
                        + e.getResource().getIdElement().getIdPart()));
    }

    @Test
    void vitalSignsCarryTheLoincCodesAndUcumUnitsTheVitalSignsProfilesRequire() {
        Map<String, Observation> byCode = all(export(CARDIO, caseId), Observation.class).stream()
                .collect(Collectors.toMap(o -> o.getCode().getCodingFirstRep().getCode(), Function.identity()));
        assertThat(byCode).containsOnlyKeys("85354-9", "8867-4", "8310-5", "2708-6", "29463-7", "15074-8");
        assertThat(byCode.values()).allSatisfy(o -> {
            assertThat(o.getStatus()).isEqualTo(Observation.ObservationStatus.FINAL);
            assertThat(o.getCategoryFirstRep().getCodingFirstRep().getSystem())
                    .isEqualTo("http://terminology.hl7.org/CodeSystem/observation-category");
            assertThat(o.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("vital-signs");
            assertThat(o.getCode().getCodingFirstRep().getSystem()).isEqualTo("http://loinc.org");
            assertThat(o.getSubject().getReference()).isEqualTo("Patient/" + patient.id());
            assertThat(o.getEffectiveDateTimeType().getValue()).isEqualTo(Date.from(t.clock.instant()));
            assertValid(o);
        });

        Observation bp = byCode.get("85354-9");
        assertThat(bp.hasValue()).isFalse();
        assertThat(bp.getComponent()).extracting(c -> c.getCode().getCodingFirstRep().getCode(),
                        c -> c.getValueQuantity().getValue().intValue(), c -> c.getValueQuantity().getCode())
                .containsExactly(tuple("8480-6", 165, "mm[Hg]"),
                        tuple("8462-4", 98, "mm[Hg]"));
        assertQuantity(byCode.get("8867-4"), "88", "/min");
        assertQuantity(byCode.get("8310-5"), "37.2", "Cel");
        assertQuantity(byCode.get("2708-6"), "96", "%");
        assertThat(byCode.get("2708-6").getCode().getCoding()).extracting(c -> c.getCode())
                .containsExactly("2708-6", "59408-5");
        assertQuantity(byCode.get("29463-7"), "71.5", "kg");
        // 1.26 g/L of glucose (180.16 g/mol) is 6.99 mmol/L.
        assertQuantity(byCode.get("15074-8"), "7.0", "mmol/L");
        assertThat(byCode.get("15074-8").getNoteFirstRep().getText()).contains("1.26 g/L");

        assertThat(byCode).extractingFromEntries(e -> e.getValue().getMeta().getProfile().get(0).getValue())
                .containsExactlyInAnyOrder(PROFILES + "bp", PROFILES + "heartrate", PROFILES + "bodytemp",
                        PROFILES + "oxygensat", PROFILES + "bodyweight", PROFILES + "vitalsigns");
    }

    @Test
    void theValidatorHoldsTheVitalSignsToTheirProfiles() {
        Observation heartRate = all(export(CARDIO, caseId), Observation.class).stream()
                .filter(o -> o.getCode().getCodingFirstRep().getCode().equals("8867-4")).findFirst().orElseThrow();
        heartRate.getValueQuantity().setCode("kg").setUnit("kg");
        assertThat(validator.validateWithResult(heartRate).getMessages())
                .filteredOn(m -> m.getSeverity() == ResultSeverityEnum.ERROR)
                .anySatisfy(m -> assertThat(m.getMessage()).contains("/min").contains("heartrate"));
    }

    private static void assertQuantity(Observation o, String value, String ucum) {
        Quantity q = o.getValueQuantity();
        assertThat(q.getValue()).isEqualByComparingTo(new BigDecimal(value));
        assertThat(q.getSystem()).isEqualTo("http://unitsofmeasure.org");
        assertThat(q.getCode()).isEqualTo(ucum);
        assertThat(q.getUnit()).isNotBlank();
    }

    @Test
    void theServiceRequestCarriesTheQuestionUrgencyClaimerConsultationAndAnswer() {
        Bundle b = export(CARDIO, caseId);
        ServiceRequest r = request(b);
        assertThat(r.getIdElement().getIdPart()).isEqualTo(caseId);
        assertThat(r.getIdentifierFirstRep().getSystem()).isEqualTo(FhirExport.SYSTEM_BASE + "/case");
        assertThat(r.getIdentifierFirstRep().getValue()).isEqualTo(caseId);
        assertThat(r.getReasonCodeFirstRep().getText()).isEqualTo(QUESTION);
        assertThat(r.getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.COMPLETED);
        assertThat(r.getIntent()).isEqualTo(ServiceRequest.ServiceRequestIntent.ORDER);
        assertThat(r.getPriority()).isEqualTo(ServiceRequest.ServiceRequestPriority.STAT);
        assertThat(r.getCode().getCodingFirstRep().getSystem()).isEqualTo("http://snomed.info/sct");
        assertThat(r.getCode().getCodingFirstRep().getCode()).isEqualTo("11429006");
        assertThat(r.getSubject().getReference()).isEqualTo("Patient/" + patient.id());
        assertThat(r.getRequester().getIdentifier().getValue()).isEqualTo("nurse1");
        assertThat(r.getRequester().getType()).isEqualTo("Practitioner");
        assertThat(r.getPerformerType().getText()).isEqualTo("cardiology");
        assertThat(r.getPerformerFirstRep().getIdentifier().getValue()).isEqualTo("dr.cardio");
        assertThat(r.getEncounter().getReference()).isEqualTo("Encounter/" + consultationId);
        assertThat(r.getOccurrencePeriod().getEnd()).isEqualTo(Date.from(t.clock.instant().plusSeconds(4 * 3600)));

        List<String> supporting = r.getSupportingInfo().stream().map(Reference::getReference).toList();
        List<String> observationsAndMedia = b.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(res -> res instanceof Observation || res instanceof Media)
                .map(res -> res.fhirType() + "/" + res.getIdElement().getIdPart()).toList();
        String answerDocument = "DocumentReference/" + answer.noteId() + "-v1";
        assertThat(supporting).containsExactlyElementsOf(concat(observationsAndMedia, answerDocument));

        // The answer is the DocumentReference the patient export holds for the signed note.
        Bundle record = parse(t.records.fhir().patientBundle(CARDIO, patient.id()));
        assertThat(record.getEntry()).extracting(e -> e.getResource().fhirType() + "/"
                + e.getResource().getIdElement().getIdPart()).contains(answerDocument, "Encounter/" + consultationId);
    }

    private static List<String> concat(List<String> list, String last) {
        return Stream.concat(list.stream(), Stream.of(last)).toList();
    }

    @Test
    void photosAndTheVoiceNoteAreMediaWithTypeSizeAndSha1OfTheirBytesServedByTheApiNotInline() throws Exception {
        List<Media> media = all(export(CARDIO, caseId), Media.class);
        assertThat(media).extracting(m -> m.getType().getCodingFirstRep().getCode())
                .containsExactly("image", "image", "audio");
        assertThat(media).extracting(m -> m.getContent().getContentType())
                .containsExactly("image/jpeg", "image/png", "audio/webm");
        for (Media m : media) {
            String attachmentId = m.getIdElement().getIdPart();
            byte[] stored = cases().attachment(CARDIO, caseId, attachmentId).content();
            assertThat(m.getContent().hasData()).isFalse();
            assertThat(m.getContent().getSize()).isEqualTo(stored.length);
            assertThat(m.getContent().getHash()).isEqualTo(MessageDigest.getInstance("SHA-1").digest(stored));
            assertThat(m.getContent().getUrl()).isEqualTo("/api/v1/cases/" + caseId + "/attachments/" + attachmentId);
            assertThat(m.getStatus()).isEqualTo(Media.MediaStatus.COMPLETED);
            assertThat(m.getBasedOnFirstRep().getReference()).isEqualTo("ServiceRequest/" + caseId);
            assertThat(m.getSubject().getReference()).isEqualTo("Patient/" + patient.id());
        }
        assertThat(media).extracting(m -> m.getIdElement().getIdPart())
                .containsExactlyElementsOf(attachments.stream().map(AttachmentInfo::id).toList());
    }

    @Test
    void theRequestForInformationAndItsReplyAreCommunicationsBasedOnTheRequest() {
        List<Communication> messages = all(export(CARDIO, caseId), Communication.class);
        assertThat(messages).hasSize(2);
        Communication asked = messages.get(0);
        Communication replied = messages.get(1);
        assertThat(asked.getSender().getIdentifier().getValue()).isEqualTo("dr.cardio");
        assertThat(asked.getRecipientFirstRep().getIdentifier().getValue()).isEqualTo("nurse1");
        assertThat(((StringType) asked.getPayloadFirstRep().getContent()).getValue())
                .isEqualTo("Pouvez-vous photographier les chevilles ?");
        assertThat(replied.getSender().getIdentifier().getValue()).isEqualTo("nurse1");
        assertThat(replied.getRecipientFirstRep().getIdentifier().getValue()).isEqualTo("dr.cardio");
        assertThat(replied.getPayloadFirstRep().getContentStringType().getValue())
                .isEqualTo("Œdème bilatéral prenant le godet");
        assertThat(replied.getInResponseToFirstRep().getReference())
                .isEqualTo("Communication/" + asked.getIdElement().getIdPart());
        assertThat(messages).allSatisfy(m -> {
            assertThat(m.getBasedOnFirstRep().getReference()).isEqualTo("ServiceRequest/" + caseId);
            assertThat(m.getStatus()).isEqualTo(Communication.CommunicationStatus.COMPLETED);
            assertThat(m.getSent()).isEqualTo(Date.from(t.clock.instant()));
            assertThat(m.getSubject().getReference()).isEqualTo("Patient/" + patient.id());
        });
    }

    @Test
    void caseStatusAndUrgencyMapToServiceRequestStatusAndPriority() {
        assertThat(Arrays.stream(CaseStatus.values()).map(CaseFhirExport::status).map(s -> s.toCode()))
                .containsExactly("draft", "active", "active", "active", "completed");
        assertThat(Arrays.stream(CaseUrgency.values()).map(CaseFhirExport::priority).map(p -> p.toCode()))
                .containsExactly("stat", "asap", "routine");

        String draft = cases().create(NURSE1, new NewCase(patient.id(), "cardiology", "Souffle connu, contrôle",
                new Vitals(null, null, 72, null, null, null, null), CaseUrgency.ROUTINE, "k-" + UUID.randomUUID()))
                .summary().id();
        Bundle b = export(NURSE1, draft);
        assertAllValid(b);
        ServiceRequest r = request(b);
        assertThat(r.getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.DRAFT);
        assertThat(r.getPriority()).isEqualTo(ServiceRequest.ServiceRequestPriority.ROUTINE);
        assertThat(r.hasOccurrence()).isFalse();
        assertThat(r.hasPerformer()).isFalse();
        assertThat(r.hasEncounter()).isFalse();
        assertThat(all(b, Observation.class)).extracting(o -> o.getCode().getCodingFirstRep().getCode())
                .containsExactly("8867-4");

        cases().submit(NURSE1, draft);
        ServiceRequest sent = request(export(NURSE1, draft));
        assertThat(sent.getStatus()).isEqualTo(ServiceRequest.ServiceRequestStatus.ACTIVE);
        assertThat(sent.getOccurrencePeriod().getEnd()).isEqualTo(Date.from(t.clock.instant().plusSeconds(72 * 3600)));
    }

    @Test
    void theNurseOfTheDispensaryExportsTheCaseButANurseOfAnotherDispensaryIsRefused() {
        assertThat(request(export(NURSE1, caseId)).getReasonCodeFirstRep().getText()).isEqualTo(QUESTION);
        for (Actor refused : List.of(NURSE2, DERM, CARDIO2)) {
            assertThatThrownBy(() -> export(refused, caseId)).isInstanceOfSatisfying(RecordsException.class,
                    e -> assertThat(e.code()).isEqualTo(RecordsError.ACCESS_DENIED));
        }
        assertThat(t.records.audit().entries(null, 100_000)).anySatisfy(e -> {
            assertThat(e.actorId()).isEqualTo("nurse2");
            assertThat(e.outcome()).isEqualTo(AuditOutcome.DENIED);
            assertThat(e.entityId()).isEqualTo(caseId);
        }).noneSatisfy(e -> {
            assertThat(e.action()).isEqualTo(AuditAction.EXPORT);
            assertThat(e.actorId()).isEqualTo("nurse2");
            assertThat(e.outcome()).isEqualTo(AuditOutcome.SUCCESS);
        });
    }

    @Test
    void theExportIsAuditedAsAnExportOfTheCase() {
        int before = t.records.audit().entries(null, 100_000).size();
        Bundle b = export(CARDIO, caseId);
        var entries = t.records.audit().entries(null, 100_000);
        assertThat(entries.subList(before, entries.size())).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo(AuditAction.EXPORT);
            assertThat(e.outcome()).isEqualTo(AuditOutcome.SUCCESS);
            assertThat(e.actorId()).isEqualTo("dr.cardio");
            assertThat(e.entityType()).isEqualTo("Case");
            assertThat(e.entityId()).isEqualTo(caseId);
            assertThat(e.patientId()).isEqualTo(patient.id());
            assertThat(e.detail()).isEqualTo(b.getEntry().size() + " resources");
        }).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo(AuditAction.CASE_READ);
            assertThat(e.entityId()).isEqualTo(caseId);
        });
        assertThat(t.records.audit().verify().intact()).isTrue();
    }

    @Test
    void theJsonExportParsesBackWithoutInlineContent() {
        String json = t.records.caseFhir().exportCaseJson(CARDIO, caseId);
        Bundle parsed = parser.parseResource(Bundle.class, json);
        assertThat(parsed.getEntry()).hasSize(12);
        assertThat(json).doesNotContain("\"data\"").contains(QUESTION);
    }

    // --- building the case

    private static void upload(String id, AttachmentKind kind, byte[] content) {
        AttachmentInfo info = cases().beginAttachment(NURSE1, id, kind, content.length, "u-" + UUID.randomUUID());
        for (int offset = 0; offset < content.length; offset += Cases.MIN_CHUNK_BYTES) {
            byte[] chunk = Arrays.copyOfRange(content, offset, Math.min(content.length, offset + Cases.MIN_CHUNK_BYTES));
            info = cases().appendChunk(NURSE1, id, info.id(), offset, chunk);
        }
        assertThat(info.complete()).isTrue();
    }

    private static byte[] image(int w, int h, String format) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (x * 255 / w) << 16 | (y * 255 / h) << 8 | 0x40);
            }
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, format, out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The EBML header of a MediaRecorder WebM file, then the start of its Segment (of unknown size). */
    private static byte[] webm() {
        byte[] docType = "webm".getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x42, (byte) 0x86, (byte) 0x81, 1}); // EBMLVersion 1
        body.writeBytes(new byte[] {0x42, (byte) 0xF7, (byte) 0x81, 1}); // EBMLReadVersion 1
        body.writeBytes(new byte[] {0x42, (byte) 0xF2, (byte) 0x81, 4}); // EBMLMaxIDLength 4
        body.writeBytes(new byte[] {0x42, (byte) 0xF3, (byte) 0x81, 8}); // EBMLMaxSizeLength 8
        body.writeBytes(new byte[] {0x42, (byte) 0x82, (byte) (0x80 | docType.length)});
        body.writeBytes(docType);
        body.writeBytes(new byte[] {0x42, (byte) 0x87, (byte) 0x81, 4}); // DocTypeVersion 4
        body.writeBytes(new byte[] {0x42, (byte) 0x85, (byte) 0x81, 2}); // DocTypeReadVersion 2
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3, (byte) (0x80 | body.size())});
        out.writeBytes(body.toByteArray());
        out.writeBytes(new byte[] {0x18, 0x53, (byte) 0x80, 0x67, 0x01, -1, -1, -1, -1, -1, -1, -1});
        return out.toByteArray();
    }
}
