package ma.tabiblink.web.records;

import java.util.Optional;
import java.util.Set;

import ma.tabiblink.records.Actor;
import ma.tabiblink.records.RecordsError;
import ma.tabiblink.records.audit.AuditAction;
import ma.tabiblink.records.audit.AuditLog;
import ma.tabiblink.records.audit.AuditOutcome;
import ma.tabiblink.records.consultation.ConsultationEligibility;
import ma.tabiblink.signaling.auth.Identity;
import ma.tabiblink.signaling.patient.PatientAccess;

/**
 * Lets the signalling server refuse, before queuing, a call about a patient the calling nurse may not open a
 * consultation for: the records module's own rule (a patient of her dispensary, not erased, who consented), read
 * from the patient's plain fields. A refusal for another dispensary's patient is audited where the audit log is at
 * hand (in the web application; a standalone signalling node has no keystore, so it cannot sign audit entries).
 */
public final class PatientsForCalls implements PatientAccess {

    /** What the audit log names as the origin of a request made over the signalling socket. */
    static final String FROM_SIGNALING = "signaling";

    private final ConsultationEligibility eligibility;
    private final AuditLog audit;

    /** @param audit the records' audit log, or {@code null} where there is none (standalone signalling node) */
    public PatientsForCalls(ConsultationEligibility eligibility, AuditLog audit) {
        this.eligibility = eligibility;
        this.audit = audit;
    }

    @Override
    public Optional<Refusal> check(Identity nurse, String patientRef) {
        Actor actor = new Actor(nurse.userId(), RecordsActors.role(nurse.role()), nurse.dispensaryId(), Set.of(),
                FROM_SIGNALING);
        return eligibility.refusal(actor, patientRef).map(error -> refusal(actor, patientRef, error));
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
