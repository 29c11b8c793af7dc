package ma.tabiblink.records.fhir;

import static ma.tabiblink.records.TestRecords.ADMIN;
import static ma.tabiblink.records.TestRecords.CARDIO;
import static ma.tabiblink.records.TestRecords.NURSE1;
import static ma.tabiblink.records.TestRecords.note;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import ma.tabiblink.records.TestRecords;
import ma.tabiblink.records.consultation.Consultation;
import ma.tabiblink.records.note.NoteView;
import ma.tabiblink.records.patient.Patient;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The exported resources validate against the R4 core profiles shipped in HAPI's validation resources. */
@Timeout(180)
class FhirExportTest {

    static TestRecords t;
    static FhirValidator validator;
    static IParser parser;
    static Patient patient;
    static NoteView note;

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

        patient = t.tinghirPatient("Latifa Fhir", "FH123456");
        Consultation c = t.urgentCall(patient, CARDIO, "call-fhir-1");
        note = t.records.notes().writeDraft(CARDIO, c.id(), note("fhir"));
        t.records.notes().sign(CARDIO, note.noteId());
        t.records.notes().amend(CARDIO, note.noteId(), note("fhir-amended"));
        t.records.notes().sign(CARDIO, note.noteId());
        t.records.notes().read(NURSE1, note.noteId(), null);
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    /** The export as HAPI reads it; an element R4 does not know fails the test. */
    private static Bundle parse(CollectionBundle bundle) {
        return parser.parseResource(Bundle.class, bundle.json());
    }

    private static void assertValid(Resource r) {
        ValidationResult result = validator.validateWithResult(r);
        List<String> errors = result.getMessages().stream()
                .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
                .map(SingleValidationMessage::toString).toList();
        assertThat(errors).as(r.fhirType()).isEmpty();
    }

    @Test
    void thePatientBundleValidatesWithoutErrors() {
        Bundle b = parse(t.records.fhir().patientBundle(CARDIO, patient.id()));
        assertValid(b);
        for (Bundle.BundleEntryComponent e : b.getEntry()) {
            assertValid(e.getResource());
        }
        assertThat(b.getEntry()).extracting(e -> e.getResource().fhirType())
                .containsExactlyInAnyOrder("Patient", "Encounter", "DocumentReference", "Provenance",
                        "DocumentReference", "Provenance");
    }

    @Test
    void theDocumentReferenceIsALoincConsultNoteWithSubjectEncounterAndHashedAttachment() throws Exception {
        Bundle b = parse(t.records.fhir().patientBundle(CARDIO, patient.id()));
        List<DocumentReference> docs = b.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(DocumentReference.class::isInstance).map(DocumentReference.class::cast).toList();
        DocumentReference current = docs.stream().filter(d -> d.getIdElement().getIdPart().endsWith("-v2"))
                .findFirst().orElseThrow();
        assertThat(current.getType().getCodingFirstRep().getSystem()).isEqualTo("http://loinc.org");
        assertThat(current.getType().getCodingFirstRep().getCode()).isEqualTo("11488-4");
        assertThat(current.getSubject().getReference()).isEqualTo("Patient/" + patient.id());
        assertThat(current.getContext().getEncounterFirstRep().getReference()).startsWith("Encounter/con-");
        assertThat(current.getDocStatus().toCode()).isEqualTo("amended");
        assertThat(current.getRelatesToFirstRep().getTarget().getReference()).endsWith("-v1");
        var attachment = current.getContentFirstRep().getAttachment();
        assertThat(attachment.getContentType()).isEqualTo("text/plain");
        assertThat(attachment.getLanguage()).isEqualTo("fr");
        assertThat(new String(attachment.getData(), StandardCharsets.UTF_8)).contains("fhir-amended");
        assertThat(attachment.getHash()).isEqualTo(MessageDigest.getInstance("SHA-1").digest(attachment.getData()));
        assertThat(docs.stream().filter(d -> d.getIdElement().getIdPart().endsWith("-v1")).findFirst().orElseThrow()
                .getStatus().toCode()).isEqualTo("superseded");

        Encounter enc = b.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(Encounter.class::isInstance).map(Encounter.class::cast).findFirst().orElseThrow();
        assertThat(enc.getClass_().getCode()).isEqualTo("VR");
        Provenance prov = b.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                .filter(Provenance.class::isInstance).map(Provenance.class::cast).findFirst().orElseThrow();
        assertThat(prov.getSignatureFirstRep().getData()).hasSize(64);
    }

    @Test
    void theAuditLogExportsAsValidAuditEvents() {
        Bundle b = parse(t.records.fhir().auditBundle(ADMIN, null, 100));
        assertThat(b.getEntry()).isNotEmpty();
        assertValid(b);
        for (Bundle.BundleEntryComponent e : b.getEntry()) {
            assertThat(e.getResource()).isInstanceOf(AuditEvent.class);
            assertValid(e.getResource());
        }
    }

    @Test
    void anAmazighSpeakingPatientWithABirthYearOnlyValidates() {
        Patient p = t.records.patients().register(TestRecords.NURSE1, new ma.tabiblink.records.patient.NewPatient(
                "Itto Amazigh", null, 1950, ma.tabiblink.records.patient.Sex.FEMALE, "disp-tinghir", "zgh",
                null, "CNSS-778899", true));
        t.urgentCall(p, CARDIO, "call-fhir-zgh");
        Bundle b = parse(t.records.fhir().patientBundle(CARDIO, p.id()));
        assertValid(b);
        for (Bundle.BundleEntryComponent e : b.getEntry()) {
            assertValid(e.getResource());
        }
    }

    @Test
    void theJsonExportParsesBack() {
        String json = t.records.fhir().patientBundleJson(CARDIO, patient.id());
        Bundle parsed = parser.parseResource(Bundle.class, json);
        assertThat(parsed.getEntry()).hasSize(6);
        assertThat(json).doesNotContain("\"data\": \"\"");
    }
}
