package ma.tabiblink.web.records;

import java.time.Clock;
import java.time.LocalDate;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import ma.tabiblink.records.Actor;
import ma.tabiblink.records.Records;
import ma.tabiblink.records.RecordsError;
import ma.tabiblink.records.Role;
import ma.tabiblink.records.audit.AuditAction;
import ma.tabiblink.records.audit.AuditLog;
import ma.tabiblink.records.audit.AuditOutcome;
import ma.tabiblink.records.consultation.ConsultationEligibility;
import ma.tabiblink.records.patient.PatientRegistry;
import ma.tabiblink.signaling.auth.Identity;
import ma.tabiblink.signaling.patient.PatientAccess;
import ma.tabiblink.signaling.protocol.Message;
import ma.tabiblink.web.account.Dispensary;

/**
 * Lets the signalling server refuse, before queuing, a call about a patient the calling nurse may not open a
 * consultation for: the records module's own rule (a patient of her dispensary, not erased, who consented), read
 * from the patient's plain fields. A refusal for another dispensary's patient is audited where the audit log is at
 * hand (in the web application; a standalone signalling node has no keystore, so it cannot sign audit entries).
 * There too it tells a rung specialist the patient's age, sex and dispensary before they answer.
 */
public final class PatientsForCalls implements PatientAccess {

    private static final Logger log = LoggerFactory.getLogger(PatientsForCalls.class);

    /** What the audit log names as the origin of a request made over the signalling socket. */
    static final String FROM_SIGNALING = "signaling";

    private final ConsultationEligibility eligibility;
    private final AuditLog audit;
    private final PatientRegistry registry;
    private final Function<String, Optional<Dispensary>> dispensaries;
    private final Clock clock;

    /** On a standalone signalling node: no keystore, so refusals are not audited and no patient summary is shown. */
    public PatientsForCalls(ConsultationEligibility eligibility) {
        this(eligibility, null, null, id -> Optional.empty(), null);
    }

    /**
     * In the web application.
     *
     * @param clock the clock in the deployment's time zone, for the patient's age
     */
    public PatientsForCalls(Records records, Function<String, Optional<Dispensary>> dispensaries, Clock clock) {
        this(records.eligibility(), records.audit(), records.patients(), dispensaries, clock);
    }

    private PatientsForCalls(ConsultationEligibility eligibility, AuditLog audit, PatientRegistry registry,
                             Function<String, Optional<Dispensary>> dispensaries, Clock clock) {
        this.eligibility = eligibility;
        this.audit = audit;
        this.registry = registry;
        this.dispensaries = dispensaries;
        this.clock = clock;
    }

    @Override
    public Optional<Refusal> check(Identity nurse, String patientRef) {
        Actor actor = new Actor(nurse.userId(), RecordsActors.role(nurse.role()), nurse.dispensaryId(), Set.of(),
                FROM_SIGNALING);
        return eligibility.refusal(actor, patientRef).map(error -> refusal(actor, patientRef, error));
    }

    @Override
    public Optional<Message.PatientSummary> summary(String specialistId, String patientRef, String callId) {
        if (registry == null) {
            return Optional.empty();
        }
        Actor specialist = new Actor(specialistId, Role.SPECIALIST, null, Set.of(), FROM_SIGNALING);
        try {
            return registry.ringSummary(specialist, patientRef, callId, LocalDate.now(clock))
                    .map(s -> new Message.PatientSummary(s.age(), s.sex().name(),
                            dispensaries.apply(s.dispensaryId()).map(Dispensary::name).orElse(s.dispensaryId())));
        } catch (RuntimeException e) {
            // The call rings all the same, showing the record id: a summary is never worth a specialist not rung.
            log.warn("No patient summary for call {}: {}", callId, e.toString());
            return Optional.empty();
        }
    }

    private Refusal refusal(Actor actor, String patientRef, RecordsError error) {
        return switch (error) {
            case CONSENT_REQUIRED -> Refusal.CONSENT_REQUIRED;
            case ACCESS_DENIED -> {
                if (audit != null) {
                    audit.record(actor, AuditLog.Event.success(AuditAction.CONSULTATION_OPEN, "Patient", patientRef,
                            patientRef).withOutcome(AuditOutcome.DENIED).withDetail("call refused"));
                }
                yield Refusal.NOT_YOUR_PATIENT;
            }
            default -> Refusal.UNKNOWN_PATIENT;
        };
    }
}
