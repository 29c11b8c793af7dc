package ma.tabiblink.records.fhir;

import static ma.tabiblink.records.fhir.FhirExport.SYSTEM_BASE;

import ca.uhn.fhir.context.FhirContext;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import ma.tabiblink.records.Actor;
import ma.tabiblink.records.audit.AuditAction;
import ma.tabiblink.records.audit.AuditLog;
import ma.tabiblink.records.cases.AttachmentBytes;
import ma.tabiblink.records.cases.AttachmentInfo;
import ma.tabiblink.records.cases.AttachmentKind;
import ma.tabiblink.records.cases.CaseMessage;
import ma.tabiblink.records.cases.CaseStatus;
import ma.tabiblink.records.cases.CaseSummary;
import ma.tabiblink.records.cases.CaseUrgency;
import ma.tabiblink.records.cases.Cases;
import ma.tabiblink.records.cases.TeleExpertiseCase;
import ma.tabiblink.records.cases.Vitals;
import ma.tabiblink.records.note.NoteStatus;
import ma.tabiblink.records.note.Notes;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Media;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.StringType;

/**
 * A tele-expertise case as a FHIR R4 collection Bundle:
 * <ul>
 *   <li>a <b>ServiceRequest</b> (id = case id): the nurse's request to a specialty, SNOMED CT 11429006
 *       "Consultation", its question as {@code reasonCode.text}, the urgency as priority, the claimer as performer,
 *       the case's consultation as encounter, and as {@code supportingInfo} every resource below plus, once answered,
 *       the answer: the {@code DocumentReference} of the signed note, as the patient export names it
 *       ({@code <noteId>-v<n>}, the latest signed version; the note itself leaves with the patient export only);</li>
 *   <li>an <b>Observation</b> per vital sign, category {@code vital-signs}, LOINC code and UCUM unit, claiming
 *       (in {@code meta.profile}) the R4 core profile it conforms to: bp, heartrate, bodytemp, oxygensat,
 *       bodyweight, and the base vitalsigns for blood glucose (LOINC 15074-8, converted to mmol/L);</li>
 *   <li>a <b>Media</b> per complete photo and for the voice note (type {@code audio}: R4's Media is the resource for
 *       recordings; DocumentReference stays for the signed note). The content is not inline: its type, size, SHA-1
 *       and the REST path that serves it ({@code /api/v1/cases/<caseId>/attachments/<attachmentId>});</li>
 *   <li>a <b>Communication</b> per request for information and per reply, based on the ServiceRequest.</li>
 * </ul>
 * For whoever may read the case's content ({@link Cases#get}, which checks and audits the read); the export is
 * audited as EXPORT, each attachment read to hash it as a read of that attachment, and the look-up of the answer's
 * version as a read of the consultation.
 */
public final class CaseFhirExport {

    private static final String LOINC = "http://loinc.org";
    private static final String UCUM = "http://unitsofmeasure.org";
    private static final String SNOMED = "http://snomed.info/sct";
    private static final String OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";
    private static final String VITAL_SIGNS_PROFILES = "http://hl7.org/fhir/StructureDefinition/";
    private static final String MEDIA_TYPE = "http://terminology.hl7.org/CodeSystem/media-type";
    private static final String CASE_CODES = SYSTEM_BASE + "/CodeSystem/tele-expertise";
    /** Where the REST API serves an attachment's content, relative to this server. */
    private static final String ATTACHMENT_PATH = "/api/v1/cases/%s/attachments/%s";

    private final Clock clock;
    private final String baseUrl;
    private final AuditLog audit;
    private final Cases cases;
    private final Notes notes;

    /** @param baseUrl absolute base URL used for the Bundle entries' fullUrl, as for {@link FhirExport} */
    public CaseFhirExport(Clock clock, String baseUrl, AuditLog audit, Cases cases, Notes notes) {
        this.clock = clock;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.audit = audit;
        this.cases = cases;
        this.notes = notes;
    }

    /** The case as a FHIR Bundle (JSON). */
    public String exportCaseJson(Actor actor, String caseId) {
        Bundle bundle = exportCase(actor, caseId);
        return FhirContext.forR4Cached().newJsonParser().setPrettyPrint(true).encodeResourceToString(bundle);
    }

    /** The case as a collection Bundle, for those who may read its content. Audited as EXPORT. */
    public Bundle exportCase(Actor actor, String caseId) {
        TeleExpertiseCase c = cases.get(actor, caseId);
        CaseSummary s = c.summary();
        ServiceRequest request = serviceRequest(c);
        List<Resource> support = new ArrayList<>(vitalSigns(s, c.vitals()));
        int photos = 0;
        for (AttachmentInfo a : c.attachments()) {
            if (!a.complete()) {
                continue;
            }
            String title = a.kind() == AttachmentKind.PHOTO ? "Photo " + ++photos : "Voice note";
            AttachmentBytes bytes = cases.attachment(actor, caseId, a.id());
            support.add(media(s, a, bytes.content(), title));
            Arrays.fill(bytes.content(), (byte) 0);
        }
        support.forEach(r -> request.addSupportingInfo(reference(r)));
        answerDocument(actor, s, c.consultationId()).ifPresent(request::addSupportingInfo);

        Bundle bundle = new Bundle();
        bundle.setType(Bundle.BundleType.COLLECTION);
        bundle.setTimestamp(Date.from(clock.instant()));
        add(bundle, request);
        support.forEach(r -> add(bundle, r));
        communications(c).forEach(r -> add(bundle, r));
        audit.record(actor, AuditLog.Event.success(AuditAction.EXPORT, "Case", caseId, s.patientId())
                .withDetail(bundle.getEntry().size() + " resources"));
        return bundle;
    }

    private void add(Bundle b, Resource r) {
        b.addEntry().setFullUrl(baseUrl + "/" + r.fhirType() + "/" + r.getIdElement().getIdPart()).setResource(r);
    }

    static ServiceRequest serviceRequest(TeleExpertiseCase c) {
        CaseSummary s = c.summary();
        ServiceRequest r = new ServiceRequest();
        r.setId(s.id());
        r.addIdentifier().setSystem(SYSTEM_BASE + "/case").setValue(s.id());
        r.setStatus(status(s.status()));
        r.setIntent(ServiceRequest.ServiceRequestIntent.ORDER);
        r.setPriority(priority(s.urgency()));
        r.addCategory().addCoding(new Coding(CASE_CODES, "tele-expertise", "Store-and-forward tele-expertise"));
        r.setCode(new CodeableConcept().addCoding(new Coding(SNOMED, "11429006", "Consultation"))
                .setText("Tele-expertise request to " + s.specialty()));
        r.setSubject(patient(s));
        if (c.consultationId() != null) {
            r.setEncounter(new Reference("Encounter/" + c.consultationId()));
        }
        r.setAuthoredOn(Date.from(s.submittedAt() != null ? s.submittedAt() : s.createdAt()));
        if (s.submittedAt() != null && s.dueAt() != null) {
            r.setOccurrence(new Period().setStart(Date.from(s.submittedAt())).setEnd(Date.from(s.dueAt())));
        }
        r.setRequester(practitioner(s.nurseId()));
        r.setPerformerType(new CodeableConcept().addCoding(new Coding(SYSTEM_BASE + "/CodeSystem/specialty",
                s.specialty(), s.specialty())).setText(s.specialty()));
        if (s.claimedBy() != null) {
            r.addPerformer(practitioner(s.claimedBy()));
        }
        r.addReasonCode().setText(c.question());
        return r;
    }

    static ServiceRequest.ServiceRequestStatus status(CaseStatus status) {
        return switch (status) {
            case DRAFT -> ServiceRequest.ServiceRequestStatus.DRAFT;
            case SUBMITTED, CLAIMED, INFO_REQUESTED -> ServiceRequest.ServiceRequestStatus.ACTIVE;
            case ANSWERED -> ServiceRequest.ServiceRequestStatus.COMPLETED;
        };
    }

    static ServiceRequest.ServiceRequestPriority priority(CaseUrgency urgency) {
        return switch (urgency) {
            case URGENT -> ServiceRequest.ServiceRequestPriority.STAT;
            case PRIORITY -> ServiceRequest.ServiceRequestPriority.ASAP;
            case ROUTINE -> ServiceRequest.ServiceRequestPriority.ROUTINE;
        };
    }

    /** One Observation per vital sign given, with the LOINC codes and UCUM units of the R4 vital-signs profiles. */
    static List<Observation> vitalSigns(CaseSummary s, Vitals v) {
        List<Observation> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (v.systolicMmHg() != null && v.diastolicMmHg() != null) {
            Observation bp = vitalSign(s, "bp", "bp", loinc("85354-9", "Blood pressure panel with all children optional"));
            bp.addComponent().setCode(loinc("8480-6", "Systolic blood pressure"))
                    .setValue(quantity(BigDecimal.valueOf(v.systolicMmHg()), "mmHg", "mm[Hg]"));
            bp.addComponent().setCode(loinc("8462-4", "Diastolic blood pressure"))
                    .setValue(quantity(BigDecimal.valueOf(v.diastolicMmHg()), "mmHg", "mm[Hg]"));
            out.add(bp);
        }
        if (v.heartRatePerMinute() != null) {
            out.add(vitalSign(s, "heart-rate", "heartrate", loinc("8867-4", "Heart rate"))
                    .setValue(quantity(BigDecimal.valueOf(v.heartRatePerMinute()), "beats/minute", "/min")));
        }
        if (v.temperatureCelsius() != null) {
            out.add(vitalSign(s, "temperature", "bodytemp", loinc("8310-5", "Body temperature"))
                    .setValue(quantity(BigDecimal.valueOf(v.temperatureCelsius()), "C", "Cel")));
        }
        if (v.oxygenSaturation() != null) {
            CodeableConcept spo2 = loinc("2708-6", "Oxygen saturation in Arterial blood");
            spo2.addCoding(new Coding(LOINC, "59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry"));
            out.add(vitalSign(s, "spo2", "oxygensat", spo2)
                    .setValue(quantity(BigDecimal.valueOf(v.oxygenSaturation()), "%", "%")));
        }
        if (v.weightKg() != null) {
            out.add(vitalSign(s, "weight", "bodyweight", loinc("29463-7", "Body weight"))
                    .setValue(quantity(BigDecimal.valueOf(v.weightKg()), "kg", "kg")));
        }
        if (v.glucose() != null) {
            Vitals.Glucose g = v.glucose();
            BigDecimal mmol = g.unit() == Vitals.GlucoseUnit.MILLIMOLES_PER_LITRE ? BigDecimal.valueOf(g.value())
                    : BigDecimal.valueOf(g.mmolPerLitre()).setScale(1, RoundingMode.HALF_UP);
            Observation glucose = vitalSign(s, "glucose", "vitalsigns", loinc("15074-8", "Glucose [Moles/volume] in Blood"))
                    .setValue(quantity(mmol, "mmol/L", "mmol/L"));
            if (g.unit() != Vitals.GlucoseUnit.MILLIMOLES_PER_LITRE) {
                glucose.addNote().setText("Measured as " + BigDecimal.valueOf(g.value()).stripTrailingZeros()
                        .toPlainString() + " " + g.unit().ucum() + ", converted at 180.16 g/mol");
            }
            out.add(glucose);
        }
        return out;
    }

    /** @param profile the R4 core vital-signs profile the Observation claims (and is validated against) */
    private static Observation vitalSign(CaseSummary s, String what, String profile, CodeableConcept code) {
        Observation o = new Observation();
        o.setId(s.id() + "-" + what);
        o.getMeta().addProfile(VITAL_SIGNS_PROFILES + profile);
        o.addBasedOn(new Reference("ServiceRequest/" + s.id()));
        o.setStatus(Observation.ObservationStatus.FINAL);
        o.addCategory().addCoding(new Coding(OBSERVATION_CATEGORY, "vital-signs", "Vital Signs"));
        o.setCode(code);
        o.setSubject(patient(s));
        o.setEffective(new DateTimeType(Date.from(s.createdAt())));
        o.addPerformer(practitioner(s.nurseId()));
        return o;
    }

    private static CodeableConcept loinc(String code, String display) {
        return new CodeableConcept().addCoding(new Coding(LOINC, code, display)).setText(display);
    }

    private static Quantity quantity(BigDecimal value, String unit, String ucum) {
        return new Quantity().setValue(value).setUnit(unit).setSystem(UCUM).setCode(ucum);
    }

    static Media media(CaseSummary s, AttachmentInfo a, byte[] content, String title) {
        boolean photo = a.kind() == AttachmentKind.PHOTO;
        Media m = new Media();
        m.setId(a.id());
        m.addIdentifier().setSystem(SYSTEM_BASE + "/case-attachment").setValue(a.id());
        m.addBasedOn(new Reference("ServiceRequest/" + s.id()));
        m.setStatus(Media.MediaStatus.COMPLETED);
        m.setType(new CodeableConcept().addCoding(photo ? new Coding(MEDIA_TYPE, "image", "Image")
                : new Coding(MEDIA_TYPE, "audio", "Audio")));
        m.setSubject(patient(s));
        m.setOperator(practitioner(s.nurseId()));
        Attachment att = new Attachment();
        att.setContentType(a.mediaType());
        att.setUrl(String.format(ATTACHMENT_PATH, s.id(), a.id()));
        att.setSize(content.length);
        att.setHash(FhirExport.sha1(content));
        att.setTitle(title);
        m.setContent(att);
        return m;
    }

    /** The nurse's replies answer the specialist's latest request before them. */
    static List<Communication> communications(TeleExpertiseCase c) {
        CaseSummary s = c.summary();
        List<Communication> out = new ArrayList<>();
        CaseMessage lastRequest = null;
        for (CaseMessage m : c.messages()) {
            boolean fromNurse = "NURSE".equals(m.authorRole());
            Communication r = new Communication();
            r.setId(s.id() + "-msg-" + m.number());
            r.addIdentifier().setSystem(SYSTEM_BASE + "/case-message").setValue(s.id() + "/" + m.number());
            r.addBasedOn(new Reference("ServiceRequest/" + s.id()));
            r.setStatus(Communication.CommunicationStatus.COMPLETED);
            r.addCategory().addCoding(fromNurse
                    ? new Coding(CASE_CODES, "information-reply", "Reply to a request for information")
                    : new Coding(CASE_CODES, "information-request", "Request for information"));
            r.setSubject(patient(s));
            r.setSent(Date.from(m.at()));
            r.setSender(practitioner(m.authorId()));
            if (fromNurse && lastRequest != null) {
                r.addRecipient(practitioner(lastRequest.authorId()));
                r.addInResponseTo(new Reference("Communication/" + s.id() + "-msg-" + lastRequest.number()));
            } else if (!fromNurse) {
                r.addRecipient(practitioner(s.nurseId()));
                lastRequest = m;
            }
            r.addPayload().setContent(new StringType(m.text()));
            out.add(r);
        }
        return out;
    }

    /** The DocumentReference of the answer's latest signed version, as the patient export names it. */
    private Optional<Reference> answerDocument(Actor actor, CaseSummary s, String consultationId) {
        if (s.answerNoteId() == null || consultationId == null) {
            return Optional.empty();
        }
        return notes.ofConsultation(actor, consultationId).stream()
                .filter(n -> n.noteId().equals(s.answerNoteId()))
                .findFirst()
                .map(n -> n.latestStatus() == NoteStatus.DRAFT ? n.latestVersion() - 1 : n.latestVersion())
                .filter(version -> version > 0)
                .map(version -> new Reference("DocumentReference/" + FhirExport.documentId(s.answerNoteId(), version))
                        .setDisplay("Answer: the signed consultation note"));
    }

    private static Reference patient(CaseSummary s) {
        return new Reference("Patient/" + s.patientId());
    }

    private static Reference practitioner(String userId) {
        return FhirExport.user(userId).setType("Practitioner");
    }

    private static Reference reference(Resource r) {
        return new Reference(r.fhirType() + "/" + r.getIdElement().getIdPart());
    }
}
