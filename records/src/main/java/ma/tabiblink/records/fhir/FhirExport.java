package ma.tabiblink.records.fhir;

import ca.uhn.fhir.context.FhirContext;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import ma.tabiblink.records.AccessPolicy;
import ma.tabiblink.records.Actor;
import ma.tabiblink.records.CareTeam;
import ma.tabiblink.records.audit.AuditAction;
import ma.tabiblink.records.audit.AuditEntry;
import ma.tabiblink.records.audit.AuditLog;
import ma.tabiblink.records.audit.AuditOutcome;
import ma.tabiblink.records.consultation.Consultation;
import ma.tabiblink.records.consultation.Consultations;
import ma.tabiblink.records.note.NoteSection;
import ma.tabiblink.records.note.NoteView;
import ma.tabiblink.records.note.Notes;
import ma.tabiblink.records.patient.PatientRegistry;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Signature;
import org.hl7.fhir.r4.model.StringType;

/**
 * FHIR R4 mapping (HAPI FHIR): a patient's record as a collection Bundle of Patient, Encounter (class VR, virtual),
 * DocumentReference (LOINC 11488-4 consult note, one per signed version) and Provenance (the specialist's
 * signature), and the audit log as AuditEvent resources. Only signed versions leave the server.
 */
public final class FhirExport {

    /** Base of this server's identifier and code systems. */
    public static final String SYSTEM_BASE = "https://tabib.link/fhir";
    private static final String LOINC = "http://loinc.org";
    private static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";

    private final Clock clock;
    private final String baseUrl;
    private final AuditLog audit;
    private final AccessPolicy policy;
    private final CareTeam careTeam;
    private final PatientRegistry patients;
    private final Consultations consultations;
    private final Notes notes;

    /** @param baseUrl absolute base URL used for the Bundle entries' fullUrl, e.g. {@code https://host/fhir} */
    public FhirExport(Clock clock, String baseUrl, AuditLog audit, AccessPolicy policy, CareTeam careTeam,
                      PatientRegistry patients, Consultations consultations, Notes notes) {
        this.clock = clock;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.audit = audit;
        this.policy = policy;
        this.careTeam = careTeam;
        this.patients = patients;
        this.consultations = consultations;
        this.notes = notes;
    }

    /** The R4 context, built on first use: building it reads every model class, seconds start-up need not pay. */
    public FhirContext context() {
        return FhirContext.forR4Cached();
    }

    /** The patient's record as a FHIR Bundle (JSON); for specialists caring for the patient. Audited as EXPORT. */
    public String patientBundleJson(Actor actor, String patientId) {
        return context().newJsonParser().setPrettyPrint(true).encodeResourceToString(patientBundle(actor, patientId));
    }

    public Bundle patientBundle(Actor actor, String patientId) {
        PatientRegistry.PatientFacts facts = patients.facts(patientId);
        AuditLog.Event event = AuditLog.Event.success(AuditAction.EXPORT, "Patient", patientId, patientId);
        if (!policy.mayExport(actor, careTeam.includes(patientId, actor.userId()))) {
            throw audit.denied(actor, event, "Only a specialist caring for this patient may export their record");
        }
        Bundle bundle = newBundle();
        add(bundle, patient(patients.details(facts.id())));
        for (Consultation c : consultations.listOfPatient(patientId)) {
            add(bundle, encounter(c));
        }
        List<Notes.ExportedVersion> versions = notes.signedVersionsOf(patientId);
        Map<String, Integer> latestSigned = versions.stream().collect(Collectors.toMap(
                v -> v.view().noteId(), v -> v.view().version(), Math::max));
        for (Notes.ExportedVersion v : versions) {
            add(bundle, documentReference(v, latestSigned.get(v.view().noteId()) == v.view().version()));
            add(bundle, provenance(v));
        }
        audit.record(actor, event.withDetail(bundle.getEntry().size() + " resources"));
        return bundle;
    }

    /** Audit entries as a Bundle of AuditEvent (administrators). */
    public Bundle auditBundle(Actor actor, String afterStreamId, int count) {
        AuditLog.Event event = AuditLog.Event.success(AuditAction.AUDIT_EXPORT, "AuditLog", "audit", null);
        if (!policy.mayAdminister(actor)) {
            throw audit.denied(actor, event, "Only administrators may export the audit log");
        }
        Bundle bundle = newBundle();
        for (AuditEntry e : audit.entries(afterStreamId, Math.max(1, Math.min(count, 1000)))) {
            add(bundle, auditEvent(e));
        }
        audit.record(actor, event.withDetail(bundle.getEntry().size() + " entries"));
        return bundle;
    }

    public String encode(Resource resource) {
        return context().newJsonParser().setPrettyPrint(true).encodeResourceToString(resource);
    }

    private Bundle newBundle() {
        Bundle b = new Bundle();
        b.setType(Bundle.BundleType.COLLECTION);
        b.setTimestamp(Date.from(clock.instant()));
        return b;
    }

    private void add(Bundle b, Resource r) {
        b.addEntry().setFullUrl(baseUrl + "/" + r.fhirType() + "/" + r.getIdElement().getIdPart()).setResource(r);
    }

    /** A person of this server, referenced by their user id (no Practitioner resource is exported). */
    static Reference user(String userId) {
        return new Reference().setIdentifier(new Identifier().setSystem(SYSTEM_BASE + "/user").setValue(userId))
                .setDisplay(userId);
    }

    static Patient patient(PatientRegistry.PatientDetails d) {
        var p = d.patient();
        Patient r = new Patient();
        r.setId(p.id());
        r.addIdentifier().setUse(Identifier.IdentifierUse.USUAL).setSystem(SYSTEM_BASE + "/patient-id").setValue(p.id());
        if (d.nationalId() != null) {
            r.addIdentifier().setUse(Identifier.IdentifierUse.OFFICIAL).setSystem(SYSTEM_BASE + "/cnie")
                    .setValue(d.nationalId());
        }
        if (d.insuranceNumber() != null) {
            r.addIdentifier().setUse(Identifier.IdentifierUse.SECONDARY).setSystem(SYSTEM_BASE + "/insurance-number")
                    .setValue(d.insuranceNumber());
        }
        r.addName().setText(p.fullName());
        r.setGender(Enumerations.AdministrativeGender.fromCode(p.sex().fhirCode()));
        r.setBirthDateElement(new DateType(p.birthDate() != null ? p.birthDate().toString()
                : String.valueOf(p.birthYear())));
        r.addCommunication().setPreferred(true).setLanguage(new CodeableConcept()
                .addCoding(new Coding("urn:ietf:bcp:47", p.preferredLanguage(), null)));
        r.setManagingOrganization(new Reference().setIdentifier(new Identifier()
                .setSystem(SYSTEM_BASE + "/dispensary").setValue(p.dispensaryId())).setDisplay(p.dispensaryId()));
        return r;
    }

    static Encounter encounter(Consultation c) {
        Encounter e = new Encounter();
        e.setId(c.id());
        e.addIdentifier().setSystem(SYSTEM_BASE + "/" + c.origin().name().toLowerCase(Locale.ROOT).replace('_', '-'))
                .setValue(c.originRef());
        e.setStatus(Encounter.EncounterStatus.fromCode(c.status().fhirCode()));
        e.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "VR", "virtual"));
        e.addType().addCoding(new Coding(SYSTEM_BASE + "/CodeSystem/consultation-mode",
                c.mode().name().toLowerCase(Locale.ROOT), c.mode().name().toLowerCase(Locale.ROOT)));
        e.setSubject(new Reference("Patient/" + c.patientId()));
        e.addParticipant().setIndividual(user(c.specialistId()));
        if (c.nurseId() != null) {
            e.addParticipant().setIndividual(user(c.nurseId()));
        }
        Period period = new Period().setStart(Date.from(c.startAt()));
        if (c.endedAt() != null) {
            period.setEnd(Date.from(c.endedAt()));
        }
        e.setPeriod(period);
        e.setServiceProvider(new Reference().setIdentifier(new Identifier()
                .setSystem(SYSTEM_BASE + "/dispensary").setValue(c.dispensaryId())));
        return e;
    }

    static String documentId(String noteId, int version) {
        return noteId + "-v" + version;
    }

    static DocumentReference documentReference(Notes.ExportedVersion v, boolean current) {
        NoteView n = v.view();
        DocumentReference d = new DocumentReference();
        d.setId(documentId(n.noteId(), n.version()));
        d.addIdentifier().setSystem(SYSTEM_BASE + "/note-version").setValue(n.noteId() + "/" + n.version());
        d.setStatus(current ? Enumerations.DocumentReferenceStatus.CURRENT
                : Enumerations.DocumentReferenceStatus.SUPERSEDED);
        d.setDocStatus(DocumentReference.ReferredDocumentStatus.fromCode(n.status().fhirDocStatus()));
        d.setType(new CodeableConcept().addCoding(new Coding(LOINC, "11488-4", "Consult note")));
        d.setSubject(new Reference("Patient/" + n.patientId()));
        d.setDate(Date.from(n.signedAt()));
        d.addAuthor(user(n.authorId()));
        d.setAuthenticator(user(n.signedBy()));
        if (n.version() > 1) {
            d.addRelatesTo().setCode(DocumentReference.DocumentRelationshipType.REPLACES)
                    .setTarget(new Reference("DocumentReference/" + documentId(n.noteId(), n.version() - 1)));
        }
        byte[] text = render(n).getBytes(StandardCharsets.UTF_8);
        Attachment a = new Attachment();
        a.setContentType("text/plain");
        a.setLanguage(n.language());
        a.setData(text);
        a.setSize(text.length);
        a.setHash(sha1(text));
        a.setTitle("Consultation note, version " + n.version());
        a.setCreation(Date.from(n.createdAt()));
        d.addContent().setAttachment(a);
        d.getContext().addEncounter(new Reference("Encounter/" + n.consultationId()));
        return d;
    }

    static Provenance provenance(Notes.ExportedVersion v) {
        NoteView n = v.view();
        Provenance p = new Provenance();
        p.setId("prov-" + documentId(n.noteId(), n.version()));
        p.addTarget(new Reference("DocumentReference/" + documentId(n.noteId(), n.version())));
        p.setRecorded(Date.from(n.signedAt()));
        p.addAgent().setWho(user(n.signedBy())).setType(new CodeableConcept().addCoding(new Coding(
                "http://terminology.hl7.org/CodeSystem/provenance-participant-type", "author", "Author")));
        p.addEntity().setRole(Provenance.ProvenanceEntityRole.SOURCE).setWhat(new Reference().setIdentifier(
                new Identifier().setSystem(SYSTEM_BASE + "/signing-key").setValue(v.keyId())));
        Signature s = p.addSignature();
        s.addType(new Coding("urn:iso-astm:E1762-95:2013", "1.2.840.10065.1.12.1.1", "Author's Signature"));
        s.setWhen(Date.from(n.signedAt()));
        s.setWho(user(n.signedBy()));
        s.setSigFormat("application/octet-stream");
        s.setData(Base64.getDecoder().decode(v.signature()));
        return p;
    }

    static AuditEvent auditEvent(AuditEntry e) {
        AuditEvent a = new AuditEvent();
        a.setId("audit-" + e.seq());
        boolean clinical = e.patientId() != null;
        a.setType(clinical ? new Coding(DCM, "110110", "Patient Record") : new Coding(DCM, "110100", "Application Activity"));
        a.addSubtype(new Coding(SYSTEM_BASE + "/CodeSystem/audit-action", e.action().name(), e.action().name()));
        a.setAction(AuditEvent.AuditEventAction.fromCode(e.action().fhirAction()));
        a.setRecorded(Date.from(e.at()));
        a.setOutcome(e.outcome() == AuditOutcome.SUCCESS ? AuditEvent.AuditEventOutcome._0
                : e.outcome() == AuditOutcome.DENIED ? AuditEvent.AuditEventOutcome._4 : AuditEvent.AuditEventOutcome._8);
        if (e.detail() != null) {
            a.setOutcomeDesc(e.detail());
        }
        AuditEvent.AuditEventAgentComponent agent = a.addAgent();
        agent.setWho(user(e.actorId())).setRequestor(true);
        agent.addRole().addCoding(new Coding(SYSTEM_BASE + "/CodeSystem/role", e.role(), e.role()));
        agent.getNetwork().setAddress(e.from()).setType(AuditEvent.AuditEventAgentNetworkType._2);
        a.getSource().setSite("tabib-link").setObserver(new Reference().setDisplay("Tabib Link records"));
        AuditEvent.AuditEventEntityComponent what = a.addEntity();
        what.setWhat(new Reference().setIdentifier(new Identifier()
                .setSystem(SYSTEM_BASE + "/" + e.entityType().toLowerCase(Locale.ROOT)).setValue(e.entityId())));
        what.addDetail().setType("seq").setValue(new StringType(Long.toString(e.seq())));
        if (e.prev() != null && !e.prev().isEmpty()) {
            what.addDetail().setType("prev").setValue(new StringType(e.prev()));
        }
        what.addDetail().setType("hash").setValue(new StringType(e.hash()));
        if (clinical) {
            a.addEntity().setWhat(new Reference().setIdentifier(new Identifier()
                    .setSystem(SYSTEM_BASE + "/patient-id").setValue(e.patientId())));
        }
        return a;
    }

    static String render(NoteView n) {
        StringBuilder sb = new StringBuilder();
        for (NoteSection s : NoteSection.values()) {
            String text = n.sections().get(s);
            if (text != null) {
                sb.append(s.name().replace('_', ' ')).append('\n').append(text.strip()).append("\n\n");
            }
        }
        return sb.toString().strip() + "\n";
    }

    /** The SHA-1 digest FHIR's Attachment.hash holds. */
    static byte[] sha1(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
