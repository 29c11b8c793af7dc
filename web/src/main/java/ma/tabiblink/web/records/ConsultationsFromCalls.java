package ma.tabiblink.web.records;

import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import ma.tabiblink.records.Actor;
import ma.tabiblink.records.Records;
import ma.tabiblink.records.RecordsException;
import ma.tabiblink.records.consultation.ConsultationMode;
import ma.tabiblink.records.consultation.ConsultationOrigin;
import ma.tabiblink.records.consultation.ConsultationStatus;
import ma.tabiblink.records.consultation.OpenConsultation;
import ma.tabiblink.signaling.event.CallEventListener;
import ma.tabiblink.signaling.event.SignalingEvent;
import ma.tabiblink.web.account.AccountRepository;
import ma.tabiblink.web.account.Role;
import ma.tabiblink.web.account.UserAccount;

/**
 * When a specialist accepts a call about a registered patient, the consultation (FHIR Encounter) is opened on the
 * server, which also records the specialist's care relationship with the patient: access to the record never depends
 * on the browser remembering to ask. It is opened as the nurse who called, under the records' own rule (a patient of
 * her dispensary who consented), so the audit names her; the signalling server already refused the call otherwise.
 * Opening is idempotent per call, so the nurse's screen may open it too. When a call that took place ends, its
 * consultation is finished (status and end time of the Encounter): an urgent call's, or a booked consultation's.
 */
@Component
class ConsultationsFromCalls implements CallEventListener {

    private static final Logger log = LoggerFactory.getLogger(ConsultationsFromCalls.class);
    private static final Actor SIGNALING = Actor.system("signaling");

    private final Records records;
    private final AccountRepository accounts;

    ConsultationsFromCalls(Records records, AccountRepository accounts) {
        this.records = records;
        this.accounts = accounts;
    }

    @Override
    public void onEvent(SignalingEvent event) {
        if (event instanceof SignalingEvent.CallEnded ended) {
            finish(ended);
            return;
        }
        if (!(event instanceof SignalingEvent.CallAccepted accepted) || accepted.patientRef() == null
                || accepted.patientRef().isBlank()) {
            return;
        }
        boolean booked = accepted.appointmentId() != null;
        Optional<Actor> nurse = nurse(accepted.nurseId());
        if (nurse.isEmpty()) {
            log.info("No consultation opened for call {}: its nurse has no enabled nurse account", accepted.callId());
            return;
        }
        try {
            records.openConsultation(nurse.get(), new OpenConsultation(accepted.patientRef(),
                    booked ? ConsultationOrigin.APPOINTMENT : ConsultationOrigin.URGENT_CALL,
                    booked ? accepted.appointmentId() : accepted.callId(), accepted.specialistId(), accepted.nurseId(),
                    ConsultationMode.VIDEO, null));
        } catch (RecordsException e) {
            log.info("No consultation opened for call {}: {}", accepted.callId(), e.code());
        }
    }

    /** The nurse who called, as the records module knows actors: her dispensary from her account as it is now. */
    private Optional<Actor> nurse(String nurseId) {
        if (nurseId == null || nurseId.isBlank()) {
            return Optional.empty();
        }
        return accounts.findUser(nurseId).filter(UserAccount::enabled).filter(a -> a.role() == Role.NURSE)
                .map(a -> new Actor(a.id(), ma.tabiblink.records.Role.NURSE, a.dispensaryId(), Set.of(),
                        PatientsForCalls.FROM_SIGNALING));
    }

    /** The consultation ends with its call: an urgent call's always, a booked one's once the two had been in it. */
    private void finish(SignalingEvent.CallEnded ended) {
        boolean booked = ended.appointmentId() != null;
        if (booked && !ended.wasActive()) {
            return;
        }
        try {
            records.consultations().findByOrigin(booked ? ConsultationOrigin.APPOINTMENT : ConsultationOrigin.URGENT_CALL,
                            booked ? ended.appointmentId() : ended.callId())
                    .filter(c -> c.status() == ConsultationStatus.IN_PROGRESS || c.status() == ConsultationStatus.PLANNED)
                    .ifPresent(c -> records.consultations().update(SIGNALING, c.id(), ConsultationStatus.FINISHED, null));
        } catch (RecordsException e) {
            log.info("Consultation of call {} not finished: {}", ended.callId(), e.code());
        }
    }
}
