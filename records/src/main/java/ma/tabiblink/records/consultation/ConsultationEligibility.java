package ma.tabiblink.records.consultation;

import java.util.List;
import java.util.Optional;
import ma.tabiblink.records.AccessPolicy;
import ma.tabiblink.records.Actor;
import ma.tabiblink.records.Ids;
import ma.tabiblink.records.RecordsError;
import ma.tabiblink.records.RedisKeys;
import redis.clients.jedis.UnifiedJedis;

/**
 * Whether an actor may open a consultation for a patient now, decided as {@link Consultations#open} decides it but
 * from the patient's plain fields alone: it needs neither the keystore nor the audit log, so a signalling node can
 * refuse a call before queuing it. One Redis read, nothing written, nothing audited (the caller audits a refusal
 * when it can).
 */
public final class ConsultationEligibility {

    private final UnifiedJedis redis;
    private final AccessPolicy policy = new AccessPolicy();

    public ConsultationEligibility(UnifiedJedis redis) {
        this.redis = redis;
    }

    /**
     * Empty when {@code actor} may open a consultation for the patient; otherwise why not, checked in this order:
     * {@code PATIENT_NOT_FOUND}, {@code PATIENT_ERASED}, {@code ACCESS_DENIED} (the consent of a patient the actor may
     * not see is not disclosed), {@code CONSENT_REQUIRED}.
     */
    public Optional<RecordsError> refusal(Actor actor, String patientId) {
        if (!Ids.looksLike("pat", patientId)) {
            return Optional.of(RecordsError.PATIENT_NOT_FOUND);
        }
        List<String> f = redis.hmget(RedisKeys.patient(patientId), "disp", "consent", "erasedAt");
        if (f.get(2) != null) {
            return Optional.of(RecordsError.PATIENT_ERASED);
        }
        if (f.get(0) == null) {
            return Optional.of(RecordsError.PATIENT_NOT_FOUND);
        }
        if (!policy.mayOpenConsultation(actor, f.get(0))) {
            return Optional.of(RecordsError.ACCESS_DENIED);
        }
        if (!Boolean.parseBoolean(f.get(1))) {
            return Optional.of(RecordsError.CONSENT_REQUIRED);
        }
        return Optional.empty();
    }
}
