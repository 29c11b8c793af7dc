package ma.tabiblink.records.consultation;

import java.time.Instant;

/**
 * A request to open a consultation (and so the specialist's care relationship with the patient).
 *
 * @param patientId    the patient
 * @param origin       appointment, urgent call or asynchronous case
 * @param originRef    the appointment id or call id; opening twice with the same origin returns the same consultation
 * @param specialistId the specialist who will see the patient
 * @param nurseId      the nurse at the dispensary, or null
 * @param mode         video, audio or asynchronous
 * @param plannedStart when it starts (an appointment's slot start), or null for now
 */
public record OpenConsultation(String patientId, ConsultationOrigin origin, String originRef, String specialistId,
                               String nurseId, ConsultationMode mode, Instant plannedStart) {
}
