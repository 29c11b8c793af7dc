package ma.tabiblink.web.records;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import ma.tabiblink.records.Actor;
import ma.tabiblink.records.Records;
import ma.tabiblink.records.RecordsException;
import ma.tabiblink.records.consultation.ConsultationMode;
import ma.tabiblink.records.consultation.ConsultationOrigin;
import ma.tabiblink.records.consultation.OpenConsultation;
import ma.tabiblink.signaling.event.CallEventListener;
import ma.tabiblink.signaling.event.SignalingEvent;

/**
 * When a specialist accepts a call about a registered patient, the consultation (FHIR Encounter) is opened on the
 * server, which also records the specialist's care relationship with the patient: access to the record never depends
 * on the browser remembering to ask. Opening is idempotent per call, so the nurse's screen may open it too.
 */
@Component
class ConsultationsFromCalls implements CallEventListener {

    private static final Logger log = LoggerFactory.getLogger(ConsultationsFromCalls.class);
    private static final Actor SIGNALING = Actor.system("signaling");

    private final Records records;

    ConsultationsFromCalls(Records records) {
        this.records = records;
    }

    @Override
    public void onEvent(SignalingEvent event) {
        if (!(event instanceof SignalingEvent.CallAccepted accepted) || accepted.patientRef() == null
                || accepted.patientRef().isBlank()) {
            return;
        }
        boolean booked = accepted.appointmentId() != null;
        try {
            records.openConsultation(SIGNALING, new OpenConsultation(accepted.patientRef(),
                    booked ? ConsultationOrigin.APPOINTMENT : ConsultationOrigin.URGENT_CALL,
                    booked ? accepted.appointmentId() : accepted.callId(), accepted.specialistId(), accepted.nurseId(),
                    ConsultationMode.VIDEO, null));
        } catch (RecordsException e) {
            log.info("No consultation opened for call {}: {}", accepted.callId(), e.code());
        }
    }
}
