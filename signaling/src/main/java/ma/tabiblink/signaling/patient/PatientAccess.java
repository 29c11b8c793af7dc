package ma.tabiblink.signaling.patient;

import java.util.Optional;
import ma.tabiblink.signaling.auth.Identity;
import ma.tabiblink.signaling.protocol.Message;

/**
 * Whether a nurse may open a consultation for the patient a call is about: the signalling server asks before it
 * queues an urgent call, or lets a nurse join a booked consultation, and refuses the call with the refusal's error
 * code otherwise, so that a call never reaches a specialist about a patient the nurse may not bring to them. The web
 * application implements it with the records module. Called on worker threads, once per request.
 */
@FunctionalInterface
public interface PatientAccess {

    /** Why a call about a patient is refused; each is the error code of the same name. */
    enum Refusal {
        /** No patient with this reference (or their record was erased). */
        UNKNOWN_PATIENT,
        /** A patient of another dispensary. */
        NOT_YOUR_PATIENT,
        /** The patient's consent to teleconsultation is not recorded: the nurse should record it first. */
        CONSENT_REQUIRED
    }

    /** Empty when {@code nurse} may call a specialist about the patient {@code patientRef}; otherwise why not. */
    Optional<Refusal> check(Identity nurse, String patientRef);

    /**
     * What the specialist {@code specialistId}, rung about {@code patientRef} on call {@code callId}, is shown before
     * answering (age, sex, the dispensary's name); empty where it cannot be read (a standalone signalling node holds no
     * records key), and the specialist's screen then shows the patient's record id.
     */
    default Optional<Message.PatientSummary> summary(String specialistId, String patientRef, String callId) {
        return Optional.empty();
    }
}
