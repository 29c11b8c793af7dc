package ma.tabiblink.signaling.call;

import ma.tabiblink.signaling.SignalingConfig;
import ma.tabiblink.signaling.cluster.CallRecord;
import ma.tabiblink.signaling.cluster.ClusterState;
import ma.tabiblink.signaling.event.EventDispatcher;
import ma.tabiblink.signaling.event.SignalingEvent;
import ma.tabiblink.signaling.patient.PatientAccess;
import ma.tabiblink.signaling.protocol.Message;
import ma.tabiblink.signaling.protocol.Message.Party;
import ma.tabiblink.signaling.session.SessionRegistry;

import java.time.Clock;

/** The urgent-call queue of each specialty: who is rung next, and where every waiting nurse stands. */
final class CallQueue {

    private final SignalingConfig config;
    private final ClusterState cluster;
    private final SessionRegistry sessions;
    private final EventDispatcher events;
    private final PatientAccess patients;
    private final Clock clock;
    private final ClusterState.QueueTimes times;

    CallQueue(SignalingConfig config, ClusterState cluster, SessionRegistry sessions, EventDispatcher events,
              PatientAccess patients, Clock clock) {
        this.config = config;
        this.cluster = cluster;
        this.sessions = sessions;
        this.events = events;
        this.patients = patients;
        this.clock = clock;
        this.times = new ClusterState.QueueTimes(config.ringTimeout().toMillis(),
                config.typicalCallDuration().toMillis());
    }

    /** Rings whoever can be rung for a specialty and tells every waiting nurse where they stand. */
    void dispatch(String specialty) {
        apply(specialty, cluster.dispatch(specialty, clock.instant(), times), null);
    }

    /** What a dispatch needs to know of the configuration. */
    ClusterState.QueueTimes times() {
        return times;
    }

    /** Tells everyone concerned by a dispatch: rung specialists, waiting nurses (but {@code skipPositionOf}). */
    void apply(String specialty, ClusterState.Dispatch d, String skipPositionOf) {
        for (ClusterState.Ring ring : d.rings()) {
            CallRecord call = ring.call();
            // The event and the nurse's call.ringing go before the specialist hears of the call: they may accept at
            // once, and a CallAccepted emitted before CallRinging would lose its ring-to-answer time, as the nurse
            // would hear "ringing" after "accepted" when the two travel different ways (one of them through Redis).
            // The nurse hears it before the patient summary is read (and its read audited): that is the specialist's.
            Party specialist = Parties.specialist(ring.specialistId(), ring.specialistName());
            events.emit(new SignalingEvent.CallRinging(clock.instant(), ring.callId(), ring.specialistId()));
            sessions.send(call.nurseSessionId(), new Message.CallRinging(ring.callId(), specialist));
            Message.PatientSummary patient = patients.summary(ring.specialistId(), call.patientRef(), ring.callId())
                    .orElse(null);
            sessions.sendToSessions(ring.specialistSessions(), new Message.CallIncoming(ring.callId(), call.specialty(),
                    call.patientRef(), call.reason(), Parties.nurseOf(call), config.ringTimeout().toSeconds(),
                    patient));
        }
        for (ClusterState.Position p : d.positions()) {
            if (!p.callId().equals(skipPositionOf)) {
                sessions.send(p.nurseSessionId(),
                        new Message.QueueUpdate(p.callId(), p.position(), p.estimatedWaitSeconds()));
            }
        }
        for (ClusterState.Unserved u : d.unserved()) {
            sessions.send(u.nurseSessionId(), new Message.CallNoSpecialist(u.callId()));
        }
        if (!d.positions().isEmpty() || !d.rings().isEmpty()) {
            events.emit(new SignalingEvent.QueueChanged(clock.instant(), specialty, d.queueLength()));
        }
    }
}
