package ma.tabiblink.records.consultation;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import ma.tabiblink.records.AccessPolicy;
import ma.tabiblink.records.Actor;
import ma.tabiblink.records.CareTeam;
import ma.tabiblink.records.Ids;
import ma.tabiblink.records.RecordsError;
import ma.tabiblink.records.RecordsException;
import ma.tabiblink.records.RedisKeys;
import ma.tabiblink.records.audit.AuditAction;
import ma.tabiblink.records.audit.AuditLog;
import ma.tabiblink.records.patient.PatientRegistry;
import ma.tabiblink.redisscript.RedisScript;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * Consultations of a patient. Opening one is what gives a specialist access to the patient: the web app calls
 * {@link #open} when an urgent call is accepted or an appointment is booked (idempotent per appointment or call).
 */
public final class Consultations {

    private final UnifiedJedis redis;
    private final Clock clock;
    private final AuditLog audit;
    private final AccessPolicy policy;
    private final CareTeam careTeam;
    private final PatientRegistry patients;
    private final RedisScript openScript = RedisScript.load(Consultations.class, "open.lua");

    public Consultations(UnifiedJedis redis, Clock clock, AuditLog audit, AccessPolicy policy, CareTeam careTeam,
                         PatientRegistry patients) {
        this.redis = redis;
        this.clock = clock;
        this.audit = audit;
        this.policy = policy;
        this.careTeam = careTeam;
        this.patients = patients;
    }

    public Consultation open(Actor actor, OpenConsultation req) {
        if (req.origin() == null || req.mode() == null) {
            throw RecordsException.invalid("origin and mode are required");
        }
        String originRef = Ids.requireExternal("originRef", req.originRef());
        String specialist = Ids.requireExternal("specialistId", req.specialistId());
        String nurse = req.nurseId() == null ? "" : Ids.requireExternal("nurseId", req.nurseId());
        PatientRegistry.PatientFacts patient = patients.facts(req.patientId());
        AuditLog.Event event = AuditLog.Event.success(AuditAction.CONSULTATION_OPEN, "Consultation",
                req.origin().name() + ":" + originRef, patient.id());
        if (!policy.mayOpenConsultation(actor, patient.dispensaryId())) {
            throw audit.denied(actor, event, "You may not open a consultation for this patient");
        }
        if (!patient.consent()) {
            throw new RecordsException(RecordsError.CONSENT_REQUIRED,
                    "The patient has not consented to teleconsultation; record their consent first");
        }
        Instant now = clock.instant();
        Instant start = req.plannedStart() == null ? now : req.plannedStart();
        ConsultationStatus status = req.origin() == ConsultationOrigin.APPOINTMENT && start.isAfter(now)
                ? ConsultationStatus.PLANNED : ConsultationStatus.IN_PROGRESS;
        String id = Ids.newId("con");
        Map<String, String> f = new LinkedHashMap<>();
        f.put("patient", patient.id());
        f.put("disp", patient.dispensaryId());
        f.put("origin", req.origin().name());
        f.put("originRef", originRef);
        f.put("specialist", specialist);
        f.put("nurse", nurse);
        f.put("mode", req.mode().name());
        f.put("status", status.name());
        f.put("openedAt", now.toString());
        f.put("openedBy", actor.userId());
        f.put("startAt", start.toString());
        List<String> args = new ArrayList<>(List.of(id, Long.toString(start.toEpochMilli()), specialist));
        f.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        String actual = (String) openScript.run(redis, List.of(RedisKeys.consultationOrigin(req.origin().name(), originRef),
                RedisKeys.consultation(id), RedisKeys.patientConsultations(patient.id()),
                RedisKeys.careTeam(patient.id()), RedisKeys.patient(patient.id())), args);
        if ("ERASED".equals(actual)) {
            throw PatientRegistry.erased(patient.id());
        }
        Consultation c = find(actual);
        if (!c.patientId().equals(patient.id())) {
            throw RecordsException.invalid("This " + req.origin().name().toLowerCase(Locale.ROOT)
                    + " already has a consultation for another patient");
        }
        audit.record(actor, AuditLog.Event.success(AuditAction.CONSULTATION_OPEN, "Consultation", c.id(), c.patientId())
                .withDetail(actual.equals(id) ? "opened" : "already open"));
        return c;
    }

    public Consultation get(Actor actor, String consultationId) {
        Consultation c = find(consultationId);
        checkRead(actor, c.patientId(), c.dispensaryId(), "Consultation", c.id());
        audit.record(actor, AuditLog.Event.success(AuditAction.CONSULTATION_READ, "Consultation", c.id(), c.patientId()));
        return c;
    }

    /** Consultations of a patient, oldest first. */
    public List<Consultation> ofPatient(Actor actor, String patientId) {
        PatientRegistry.PatientFacts patient = patients.facts(patientId);
        checkRead(actor, patientId, patient.dispensaryId(), "Patient", patientId);
        List<Consultation> out = listOfPatient(patientId);
        audit.record(actor, AuditLog.Event.success(AuditAction.CONSULTATION_READ, "Patient", patientId, patientId)
                .withDetail(out.size() + " consultations listed"));
        return out;
    }

    /** Moves a consultation along its lifecycle (and records a change of mode, e.g. video degraded to audio). */
    public Consultation update(Actor actor, String consultationId, ConsultationStatus status, ConsultationMode mode) {
        Consultation c = find(consultationId);
        AuditLog.Event event = AuditLog.Event.success(AuditAction.CONSULTATION_UPDATE, "Consultation", c.id(),
                c.patientId()).withDetail((status == null ? "" : status.name()) + " " + (mode == null ? "" : mode.name()));
        if (!policy.mayUpdateConsultation(actor, c.dispensaryId(), c.specialistId())) {
            throw audit.denied(actor, event, "You may not change this consultation");
        }
        Map<String, String> changes = new LinkedHashMap<>();
        if (status != null && status != c.status()) {
            if (!c.status().canMoveTo(status)) {
                throw RecordsException.invalid("A " + c.status().fhirCode() + " consultation cannot become "
                        + status.fhirCode());
            }
            changes.put("status", status.name());
            if (status == ConsultationStatus.FINISHED || status == ConsultationStatus.CANCELLED) {
                changes.put("endedAt", clock.instant().toString());
            }
        }
        if (mode != null && mode != c.mode()) {
            changes.put("mode", mode.name());
        }
        if (!changes.isEmpty()) {
            patients.writeWhileActive(c.patientId(), RedisKeys.consultation(c.id()), changes);
        }
        audit.record(actor, event);
        return find(c.id());
    }

    /** A consultation without access check or audit, for the other services of the module. */
    public Consultation find(String consultationId) {
        if (!Ids.looksLike("con", consultationId)) {
            throw new RecordsException(RecordsError.CONSULTATION_NOT_FOUND, "Unknown consultation " + consultationId);
        }
        Map<String, String> h = redis.hgetAll(RedisKeys.consultation(consultationId));
        if (h.isEmpty()) {
            throw new RecordsException(RecordsError.CONSULTATION_NOT_FOUND, "Unknown consultation " + consultationId);
        }
        return fromHash(consultationId, h);
    }

    /** The consultation opened for an appointment or call, without access check or audit (system events). */
    public Optional<Consultation> findByOrigin(ConsultationOrigin origin, String originRef) {
        String id = redis.get(RedisKeys.consultationOrigin(origin.name(), Ids.requireExternal("originRef", originRef)));
        return id == null ? Optional.empty() : Optional.of(find(id));
    }

    /** Consultations of a patient without access check or audit (FHIR export, after its own check). */
    public List<Consultation> listOfPatient(String patientId) {
        List<String> ids = redis.zrange(RedisKeys.patientConsultations(patientId), 0, -1);
        List<Response<Map<String, String>>> rows = new ArrayList<>();
        try (AbstractPipeline p = redis.pipelined()) {
            for (String id : ids) {
                rows.add(p.hgetAll(RedisKeys.consultation(id)));
            }
            p.sync();
        }
        List<Consultation> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            Map<String, String> h = rows.get(i).get();
            if (!h.isEmpty()) {
                out.add(fromHash(ids.get(i), h));
            }
        }
        return out;
    }

    private void checkRead(Actor actor, String patientId, String dispensaryId, String type, String id) {
        if (!policy.mayReadPatient(actor, dispensaryId, careTeam.includes(patientId, actor.userId()))) {
            throw audit.denied(actor, AuditLog.Event.success(AuditAction.CONSULTATION_READ, type, id, patientId),
                    "You are not caring for this patient");
        }
    }

    /** A consultation from its stored hash (read by another service in its own pipeline); unknown when empty. */
    public static Consultation fromHash(String id, Map<String, String> h) {
        if (h.isEmpty()) {
            throw new RecordsException(RecordsError.CONSULTATION_NOT_FOUND, "Unknown consultation " + id);
        }
        String nurse = h.get("nurse");
        String ended = h.get("endedAt");
        return new Consultation(id, h.get("patient"), h.get("disp"), ConsultationOrigin.valueOf(h.get("origin")),
                h.get("originRef"), h.get("specialist"), nurse == null || nurse.isEmpty() ? null : nurse,
                ConsultationMode.valueOf(h.get("mode")), ConsultationStatus.valueOf(h.get("status")),
                Instant.parse(h.get("openedAt")), h.get("openedBy"), Instant.parse(h.get("startAt")),
                ended == null ? null : Instant.parse(ended));
    }
}
