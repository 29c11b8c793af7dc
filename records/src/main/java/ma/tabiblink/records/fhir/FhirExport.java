package ma.tabiblink.records.fhir;

import static ma.tabiblink.records.fhir.FhirJson.array;
import static ma.tabiblink.records.fhir.FhirJson.base64;
import static ma.tabiblink.records.fhir.FhirJson.coding;
import static ma.tabiblink.records.fhir.FhirJson.concept;
import static ma.tabiblink.records.fhir.FhirJson.dateTime;
import static ma.tabiblink.records.fhir.FhirJson.identifier;
import static ma.tabiblink.records.fhir.FhirJson.instant;
import static ma.tabiblink.records.fhir.FhirJson.reference;
import static ma.tabiblink.records.fhir.FhirJson.referenceByIdentifier;
import static ma.tabiblink.records.fhir.FhirJson.resource;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
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
import ma.tabiblink.records.consultation.Consultation;
import ma.tabiblink.records.consultation.Consultations;
import ma.tabiblink.records.note.NoteSection;
import ma.tabiblink.records.note.NoteView;
import ma.tabiblink.records.note.Notes;
import ma.tabiblink.records.patient.PatientRegistry;

/**
 * FHIR R4 mapping, written as JSON: a patient's record as a collection Bundle of Patient, Encounter (class VR,
 * virtual), DocumentReference (LOINC 11488-4 consult note, one per signed version) and Provenance (the specialist's
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

    /** The patient's record as a FHIR Bundle (JSON); for specialists caring for the patient. Audited as EXPORT. */
    public String patientBundleJson(Actor actor, String patientId) {
        return patientBundle(actor, patientId).json();
    }

    public CollectionBundle patientBundle(Actor actor, String patientId) {
        PatientRegistry.PatientFacts facts = patients.facts(patientId);
        AuditLog.Event event = AuditLog.Event.success(AuditAction.EXPORT, "Patient", patientId, patientId);
        if (!policy.mayExport(actor, careTeam.includes(patientId, actor.userId()))) {
            throw audit.denied(actor, event, "Only a specialist caring for this patient may export their record");
        }
        CollectionBundle bundle = new CollectionBundle(baseUrl, clock.instant());
        bundle.add(patient(patients.details(facts.id())));
        for (Consultation c : consultations.listOfPatient(patientId)) {
            bundle.add(encounter(c));
        }
        List<Notes.ExportedVersion> versions = notes.signedVersionsOf(patientId);
        Map<String, Integer> latestSigned = versions.stream().collect(Collectors.toMap(
                v -> v.view().noteId(), v -> v.view().version(), Math::max));
        for (Notes.ExportedVersion v : versions) {
            bundle.add(documentReference(v, latestSigned.get(v.view().noteId()) == v.view().version()));
            bundle.add(provenance(v));
        }
        audit.record(actor, event.withDetail(bundle.size() + " resources"));
        return bundle;
    }

    /** Audit entries as a Bundle of AuditEvent (administrators). */
    public CollectionBundle auditBundle(Actor actor, String afterStreamId, int count) {
        AuditLog.Event event = AuditLog.Event.success(AuditAction.AUDIT_EXPORT, "AuditLog", "audit", null);
        if (!policy.mayAdminister(actor)) {
            throw audit.denied(actor, event, "Only administrators may export the audit log");
        }
        CollectionBundle bundle = new CollectionBundle(baseUrl, clock.instant());
        for (AuditEntry e : audit.entries(afterStreamId, Math.max(1, Math.min(count, 1000)))) {
            bundle.add(auditEvent(e));
        }
        audit.record(actor, event.withDetail(bundle.size() + " entries"));
        return bundle;
    }

    /** A person of this server, referenced by their user id (no Practitioner resource is exported). */
    static ObjectNode user(String userId) {
        return referenceByIdentifier(SYSTEM_BASE + "/user", userId).put("display", userId);
    }

    static ObjectNode patient(PatientRegistry.PatientDetails d) {
        var p = d.patient();
        ObjectNode r = resource("Patient", p.id());
        ArrayNode identifiers = r.putArray("identifier");
        identifiers.add(identifier("usual", SYSTEM_BASE + "/patient-id", p.id()));
        if (d.nationalId() != null) {
            identifiers.add(identifier("official", SYSTEM_BASE + "/cnie", d.nationalId()));
        }
        if (d.insuranceNumber() != null) {
            identifiers.add(identifier("secondary", SYSTEM_BASE + "/insurance-number", d.insuranceNumber()));
        }
        r.putArray("name").addObject().put("text", p.fullName());
        r.put("gender", p.sex().fhirCode());
        r.put("birthDate", p.birthDate() != null ? p.birthDate().toString() : String.valueOf(p.birthYear()));
        r.putArray("communication").addObject()
                .<ObjectNode>set("language", concept(coding("urn:ietf:bcp:47", p.preferredLanguage(), null)))
                .put("preferred", true);
        r.set("managingOrganization", referenceByIdentifier(SYSTEM_BASE + "/dispensary", p.dispensaryId())
                .put("display", p.dispensaryId()));
        return r;
    }

    static ObjectNode encounter(Consultation c) {
        ObjectNode e = resource("Encounter", c.id());
        e.set("identifier", array(identifier(
                SYSTEM_BASE + "/" + c.origin().name().toLowerCase(Locale.ROOT).replace('_', '-'), c.originRef())));
        e.put("status", c.status().fhirCode());
        e.set("class", coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "VR", "virtual"));
        String mode = c.mode().name().toLowerCase(Locale.ROOT);
        e.set("type", array(concept(coding(SYSTEM_BASE + "/CodeSystem/consultation-mode", mode, mode))));
        e.set("subject", reference("Patient/" + c.patientId()));
        ArrayNode participants = e.putArray("participant");
        participants.addObject().set("individual", user(c.specialistId()));
        if (c.nurseId() != null) {
            participants.addObject().set("individual", user(c.nurseId()));
        }
        ObjectNode period = e.putObject("period").put("start", dateTime(c.startAt()));
        if (c.endedAt() != null) {
            period.put("end", dateTime(c.endedAt()));
        }
        e.set("serviceProvider", referenceByIdentifier(SYSTEM_BASE + "/dispensary", c.dispensaryId()));
        return e;
    }

    static String documentId(String noteId, int version) {
        return noteId + "-v" + version;
    }

    static ObjectNode documentReference(Notes.ExportedVersion v, boolean current) {
        NoteView n = v.view();
        ObjectNode d = resource("DocumentReference", documentId(n.noteId(), n.version()));
        d.set("identifier", array(identifier(SYSTEM_BASE + "/note-version", n.noteId() + "/" + n.version())));
        d.put("status", current ? "current" : "superseded");
        d.put("docStatus", n.status().fhirDocStatus());
        d.set("type", concept(coding(LOINC, "11488-4", "Consult note")));
        d.set("subject", reference("Patient/" + n.patientId()));
        d.put("date", instant(n.signedAt()));
        d.set("author", array(user(n.authorId())));
        d.set("authenticator", user(n.signedBy()));
        if (n.version() > 1) {
            d.putArray("relatesTo").addObject().put("code", "replaces")
                    .set("target", reference("DocumentReference/" + documentId(n.noteId(), n.version() - 1)));
        }
        byte[] text = render(n).getBytes(StandardCharsets.UTF_8);
        d.putArray("content").addObject().putObject("attachment")
                .put("contentType", "text/plain")
                .put("language", n.language())
                .put("data", base64(text))
                .put("size", text.length)
                .put("hash", base64(sha1(text)))
                .put("title", "Consultation note, version " + n.version())
                .put("creation", dateTime(n.createdAt()));
        d.putObject("context").set("encounter", array(reference("Encounter/" + n.consultationId())));
        return d;
    }

    static ObjectNode provenance(Notes.ExportedVersion v) {
        NoteView n = v.view();
        ObjectNode p = resource("Provenance", "prov-" + documentId(n.noteId(), n.version()));
        p.set("target", array(reference("DocumentReference/" + documentId(n.noteId(), n.version()))));
        p.put("recorded", instant(n.signedAt()));
        p.putArray("agent").addObject()
                .<ObjectNode>set("type", concept(coding(
                        "http://terminology.hl7.org/CodeSystem/provenance-participant-type", "author", "Author")))
                .set("who", user(n.signedBy()));
        p.putArray("entity").addObject().put("role", "source")
                .set("what", referenceByIdentifier(SYSTEM_BASE + "/signing-key", v.keyId()));
        p.putArray("signature").addObject()
                .<ObjectNode>set("type", array(coding(
                        "urn:iso-astm:E1762-95:2013", "1.2.840.10065.1.12.1.1", "Author's Signature")))
                .put("when", instant(n.signedAt()))
                .<ObjectNode>set("who", user(n.signedBy()))
                .put("sigFormat", "application/octet-stream")
                .put("data", base64(Base64.getDecoder().decode(v.signature())));
        return p;
    }

    static ObjectNode auditEvent(AuditEntry e) {
        ObjectNode a = resource("AuditEvent", "audit-" + e.seq());
        boolean clinical = e.patientId() != null;
        a.set("type", clinical ? coding(DCM, "110110", "Patient Record") : coding(DCM, "110100", "Application Activity"));
        a.set("subtype", array(coding(SYSTEM_BASE + "/CodeSystem/audit-action", e.action().name(), e.action().name())));
        a.put("action", e.action().fhirAction());
        a.put("recorded", instant(e.at()));
        // R4 AuditEventOutcome: 0 success, 4 minor failure (here: refused), 8 serious failure.
        a.put("outcome", switch (e.outcome()) {
            case SUCCESS -> "0";
            case DENIED -> "4";
            case FAILED -> "8";
        });
        if (e.detail() != null) {
            a.put("outcomeDesc", e.detail());
        }
        a.putArray("agent").addObject()
                .<ObjectNode>set("role", array(concept(coding(SYSTEM_BASE + "/CodeSystem/role", e.role(), e.role()))))
                .<ObjectNode>set("who", user(e.actorId()))
                .put("requestor", true)
                // Network access point type 2: an IP address.
                .putObject("network").put("address", e.from()).put("type", "2");
        a.putObject("source").put("site", "tabib-link").putObject("observer").put("display", "Tabib Link records");
        ArrayNode entities = a.putArray("entity");
        ArrayNode details = entities.addObject()
                .<ObjectNode>set("what", referenceByIdentifier(
                        SYSTEM_BASE + "/" + e.entityType().toLowerCase(Locale.ROOT), e.entityId()))
                .putArray("detail");
        details.addObject().put("type", "seq").put("valueString", Long.toString(e.seq()));
        if (e.prev() != null && !e.prev().isEmpty()) {
            details.addObject().put("type", "prev").put("valueString", e.prev());
        }
        details.addObject().put("type", "hash").put("valueString", e.hash());
        if (clinical) {
            entities.addObject().set("what", referenceByIdentifier(SYSTEM_BASE + "/patient-id", e.patientId()));
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
