package ma.tabiblink.records.fhir;

import static ma.tabiblink.records.fhir.FhirExport.SYSTEM_BASE;
import static ma.tabiblink.records.fhir.FhirJson.array;
import static ma.tabiblink.records.fhir.FhirJson.base64;
import static ma.tabiblink.records.fhir.FhirJson.coding;
import static ma.tabiblink.records.fhir.FhirJson.concept;
import static ma.tabiblink.records.fhir.FhirJson.dateTime;
import static ma.tabiblink.records.fhir.FhirJson.identifier;
import static ma.tabiblink.records.fhir.FhirJson.object;
import static ma.tabiblink.records.fhir.FhirJson.reference;
import static ma.tabiblink.records.fhir.FhirJson.relative;
import static ma.tabiblink.records.fhir.FhirJson.resource;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
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
        return exportCase(actor, caseId).json();
    }

    /** The case as a collection Bundle, for those who may read its content. Audited as EXPORT. */
    public CollectionBundle exportCase(Actor actor, String caseId) {
        TeleExpertiseCase c = cases.get(actor, caseId);
        CaseSummary s = c.summary();
        ObjectNode request = serviceRequest(c);
        List<ObjectNode> support = new ArrayList<>(vitalSigns(s, c.vitals()));
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
        ArrayNode supportingInfo = request.putArray("supportingInfo");
        support.forEach(r -> supportingInfo.add(reference(relative(r))));
        answerDocument(actor, s, c.consultationId()).ifPresent(supportingInfo::add);

        CollectionBundle bundle = new CollectionBundle(baseUrl, clock.instant());
        bundle.add(request);
        support.forEach(bundle::add);
        communications(c).forEach(bundle::add);
        audit.record(actor, AuditLog.Event.success(AuditAction.EXPORT, "Case", caseId, s.patientId())
                .withDetail(bundle.size() + " resources"));
        return bundle;
    }

    /** The ServiceRequest.status codes a case goes through. */
    enum RequestStatus {
        DRAFT, ACTIVE, COMPLETED;

        String toCode() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The ServiceRequest.priority codes of the three urgencies. */
    enum RequestPriority {
        STAT, ASAP, ROUTINE;

        String toCode() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static ObjectNode serviceRequest(TeleExpertiseCase c) {
        CaseSummary s = c.summary();
        ObjectNode r = resource("ServiceRequest", s.id());
        r.set("identifier", array(identifier(SYSTEM_BASE + "/case", s.id())));
        r.put("status", status(s.status()).toCode());
        r.put("intent", "order");
        r.set("category", array(concept(coding(CASE_CODES, "tele-expertise", "Store-and-forward tele-expertise"))));
        r.put("priority", priority(s.urgency()).toCode());
        r.set("code", concept(coding(SNOMED, "11429006", "Consultation"))
                .put("text", "Tele-expertise request to " + s.specialty()));
        r.set("subject", patient(s));
        if (c.consultationId() != null) {
            r.set("encounter", reference("Encounter/" + c.consultationId()));
        }
        if (s.submittedAt() != null && s.dueAt() != null) {
            r.putObject("occurrencePeriod").put("start", dateTime(s.submittedAt())).put("end", dateTime(s.dueAt()));
        }
        r.put("authoredOn", dateTime(s.submittedAt() != null ? s.submittedAt() : s.createdAt()));
        r.set("requester", practitioner(s.nurseId()));
        r.set("performerType", concept(coding(SYSTEM_BASE + "/CodeSystem/specialty", s.specialty(), s.specialty()))
                .put("text", s.specialty()));
        if (s.claimedBy() != null) {
            r.set("performer", array(practitioner(s.claimedBy())));
        }
        r.putArray("reasonCode").addObject().put("text", c.question());
        return r;
    }

    static RequestStatus status(CaseStatus status) {
        return switch (status) {
            case DRAFT -> RequestStatus.DRAFT;
            case SUBMITTED, CLAIMED, INFO_REQUESTED -> RequestStatus.ACTIVE;
            case ANSWERED -> RequestStatus.COMPLETED;
        };
    }

    static RequestPriority priority(CaseUrgency urgency) {
        return switch (urgency) {
            case URGENT -> RequestPriority.STAT;
            case PRIORITY -> RequestPriority.ASAP;
            case ROUTINE -> RequestPriority.ROUTINE;
        };
    }

    /** One Observation per vital sign given, with the LOINC codes and UCUM units of the R4 vital-signs profiles. */
    static List<ObjectNode> vitalSigns(CaseSummary s, Vitals v) {
        List<ObjectNode> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (v.systolicMmHg() != null && v.diastolicMmHg() != null) {
            ObjectNode bp = vitalSign(s, "bp", "bp", loinc("85354-9", "Blood pressure panel with all children optional"),
                    null);
            bp.set("component", array(
                    component(loinc("8480-6", "Systolic blood pressure"),
                            quantity(BigDecimal.valueOf(v.systolicMmHg()), "mmHg", "mm[Hg]")),
                    component(loinc("8462-4", "Diastolic blood pressure"),
                            quantity(BigDecimal.valueOf(v.diastolicMmHg()), "mmHg", "mm[Hg]"))));
            out.add(bp);
        }
        if (v.heartRatePerMinute() != null) {
            out.add(vitalSign(s, "heart-rate", "heartrate", loinc("8867-4", "Heart rate"),
                    quantity(BigDecimal.valueOf(v.heartRatePerMinute()), "beats/minute", "/min")));
        }
        if (v.temperatureCelsius() != null) {
            out.add(vitalSign(s, "temperature", "bodytemp", loinc("8310-5", "Body temperature"),
                    quantity(BigDecimal.valueOf(v.temperatureCelsius()), "C", "Cel")));
        }
        if (v.oxygenSaturation() != null) {
            ObjectNode spo2 = concept(coding(LOINC, "2708-6", "Oxygen saturation in Arterial blood"),
                    coding(LOINC, "59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry"))
                    .put("text", "Oxygen saturation in Arterial blood");
            out.add(vitalSign(s, "spo2", "oxygensat", spo2,
                    quantity(BigDecimal.valueOf(v.oxygenSaturation()), "%", "%")));
        }
        if (v.weightKg() != null) {
            out.add(vitalSign(s, "weight", "bodyweight", loinc("29463-7", "Body weight"),
                    quantity(BigDecimal.valueOf(v.weightKg()), "kg", "kg")));
        }
        if (v.glucose() != null) {
            Vitals.Glucose g = v.glucose();
            BigDecimal mmol = g.unit() == Vitals.GlucoseUnit.MILLIMOLES_PER_LITRE ? BigDecimal.valueOf(g.value())
                    : BigDecimal.valueOf(g.mmolPerLitre()).setScale(1, RoundingMode.HALF_UP);
            ObjectNode glucose = vitalSign(s, "glucose", "vitalsigns", loinc("15074-8", "Glucose [Moles/volume] in Blood"),
                    quantity(mmol, "mmol/L", "mmol/L"));
            if (g.unit() != Vitals.GlucoseUnit.MILLIMOLES_PER_LITRE) {
                glucose.putArray("note").addObject().put("text", "Measured as " + BigDecimal.valueOf(g.value())
                        .stripTrailingZeros().toPlainString() + " " + g.unit().ucum() + ", converted at 180.16 g/mol");
            }
            out.add(glucose);
        }
        return out;
    }

    /**
     * @param profile the R4 core vital-signs profile the Observation claims (and is validated against)
     * @param value   the measurement, or null for a panel whose measurements are its components
     */
    private static ObjectNode vitalSign(CaseSummary s, String what, String profile, ObjectNode code, ObjectNode value) {
        ObjectNode o = resource("Observation", s.id() + "-" + what);
        o.putObject("meta").putArray("profile").add(VITAL_SIGNS_PROFILES + profile);
        o.set("basedOn", array(reference("ServiceRequest/" + s.id())));
        o.put("status", "final");
        o.set("category", array(concept(coding(OBSERVATION_CATEGORY, "vital-signs", "Vital Signs"))));
        o.set("code", code);
        o.set("subject", patient(s));
        o.put("effectiveDateTime", dateTime(s.createdAt()));
        o.set("performer", array(practitioner(s.nurseId())));
        o.set("valueQuantity", value);
        return o;
    }

    private static ObjectNode component(ObjectNode code, ObjectNode value) {
        return object().<ObjectNode>set("code", code).set("valueQuantity", value);
    }

    private static ObjectNode loinc(String code, String display) {
        return concept(coding(LOINC, code, display)).put("text", display);
    }

    private static ObjectNode quantity(BigDecimal value, String unit, String ucum) {
        return object().put("value", value).put("unit", unit).put("system", UCUM).put("code", ucum);
    }

    static ObjectNode media(CaseSummary s, AttachmentInfo a, byte[] content, String title) {
        boolean photo = a.kind() == AttachmentKind.PHOTO;
        ObjectNode m = resource("Media", a.id());
        m.set("identifier", array(identifier(SYSTEM_BASE + "/case-attachment", a.id())));
        m.set("basedOn", array(reference("ServiceRequest/" + s.id())));
        m.put("status", "completed");
        m.set("type", concept(photo ? coding(MEDIA_TYPE, "image", "Image") : coding(MEDIA_TYPE, "audio", "Audio")));
        m.set("subject", patient(s));
        m.set("operator", practitioner(s.nurseId()));
        m.putObject("content")
                .put("contentType", a.mediaType())
                .put("url", String.format(ATTACHMENT_PATH, s.id(), a.id()))
                .put("size", content.length)
                .put("hash", base64(FhirExport.sha1(content)))
                .put("title", title);
        return m;
    }

    /** The nurse's replies answer the specialist's latest request before them. */
    static List<ObjectNode> communications(TeleExpertiseCase c) {
        CaseSummary s = c.summary();
        List<ObjectNode> out = new ArrayList<>();
        CaseMessage lastRequest = null;
        for (CaseMessage m : c.messages()) {
            boolean fromNurse = "NURSE".equals(m.authorRole());
            CaseMessage answered = fromNurse ? lastRequest : null;
            ObjectNode r = resource("Communication", messageId(s, m));
            r.set("identifier", array(identifier(SYSTEM_BASE + "/case-message", s.id() + "/" + m.number())));
            r.set("basedOn", array(reference("ServiceRequest/" + s.id())));
            if (answered != null) {
                r.set("inResponseTo", array(reference("Communication/" + messageId(s, answered))));
            }
            r.put("status", "completed");
            r.set("category", array(concept(fromNurse
                    ? coding(CASE_CODES, "information-reply", "Reply to a request for information")
                    : coding(CASE_CODES, "information-request", "Request for information"))));
            r.set("subject", patient(s));
            r.put("sent", dateTime(m.at()));
            if (answered != null) {
                r.set("recipient", array(practitioner(answered.authorId())));
            } else if (!fromNurse) {
                r.set("recipient", array(practitioner(s.nurseId())));
                lastRequest = m;
            }
            r.set("sender", practitioner(m.authorId()));
            r.putArray("payload").addObject().put("contentString", m.text());
            out.add(r);
        }
        return out;
    }

    private static String messageId(CaseSummary s, CaseMessage m) {
        return s.id() + "-msg-" + m.number();
    }

    /** The DocumentReference of the answer's latest signed version, as the patient export names it. */
    private Optional<ObjectNode> answerDocument(Actor actor, CaseSummary s, String consultationId) {
        if (s.answerNoteId() == null || consultationId == null) {
            return Optional.empty();
        }
        return notes.ofConsultation(actor, consultationId).stream()
                .filter(n -> n.noteId().equals(s.answerNoteId()))
                .findFirst()
                .map(n -> n.latestStatus() == NoteStatus.DRAFT ? n.latestVersion() - 1 : n.latestVersion())
                .filter(version -> version > 0)
                .map(version -> reference("DocumentReference/" + FhirExport.documentId(s.answerNoteId(), version))
                        .put("display", "Answer: the signed consultation note"));
    }

    private static ObjectNode patient(CaseSummary s) {
        return reference("Patient/" + s.patientId());
    }

    private static ObjectNode practitioner(String userId) {
        return object().put("type", "Practitioner").setAll(FhirExport.user(userId));
    }
}
