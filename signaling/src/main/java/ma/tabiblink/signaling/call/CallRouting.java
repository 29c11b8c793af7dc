package ma.tabiblink.signaling.call;

import ma.tabiblink.signaling.RandomIds;
import ma.tabiblink.signaling.SignalingConfig;
import ma.tabiblink.signaling.appointment.AppointmentDirectory;
import ma.tabiblink.signaling.appointment.BookedConsultation;
import ma.tabiblink.signaling.auth.Identity;
import ma.tabiblink.signaling.auth.Role;
import ma.tabiblink.signaling.cluster.CallRecord;
import ma.tabiblink.signaling.cluster.ClusterState;
import ma.tabiblink.signaling.cluster.PresenceStatus;
import ma.tabiblink.signaling.event.EventDispatcher;
import ma.tabiblink.signaling.event.SignalingEvent;
import ma.tabiblink.signaling.patient.PatientAccess;
import ma.tabiblink.signaling.protocol.ErrorCode;
import ma.tabiblink.signaling.protocol.Message;
import ma.tabiblink.signaling.protocol.ProtocolException;
import ma.tabiblink.signaling.session.Session;
import ma.tabiblink.signaling.session.SessionRegistry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * How a call comes about: specialists' availability, urgent requests queued and rung to specialists (accept, decline,
 * cancel, rings that run out), and the members of a booked consultation joining its call.
 */
public final class CallRouting {

    private final SignalingConfig config;
    private final ClusterState cluster;
    private final SessionRegistry sessions;
    private final AppointmentDirectory appointments;
    private final PatientAccess patients;
    private final CallQueue queue;
    private final EstablishedCall established;
    private final EventDispatcher events;
    private final Clock clock;

    CallRouting(SignalingConfig config, ClusterState cluster, SessionRegistry sessions, AppointmentDirectory appointments,
                PatientAccess patients, CallQueue queue, EstablishedCall established, EventDispatcher events,
                Clock clock) {
        this.config = config;
        this.cluster = cluster;
        this.sessions = sessions;
        this.appointments = appointments;
        this.patients = patients;
        this.queue = queue;
        this.established = established;
        this.events = events;
        this.clock = clock;
    }

    private Instant now() {
        return clock.instant();
    }

    /** Refuses a call about a patient the nurse may not bring to a specialist, before anything is queued or joined. */
    private void requirePatient(Identity nurse, String patientRef) {
        patients.check(nurse, patientRef).ifPresent(refusal -> {
            throw switch (refusal) {
                case UNKNOWN_PATIENT -> new ProtocolException(ErrorCode.UNKNOWN_PATIENT,
                        "no patient with this reference");
                case NOT_YOUR_PATIENT -> new ProtocolException(ErrorCode.NOT_YOUR_PATIENT,
                        "this patient belongs to another dispensary");
                case CONSENT_REQUIRED -> new ProtocolException(ErrorCode.CONSENT_REQUIRED,
                        "the patient's consent to teleconsultation is not recorded; record it, then call again");
            };
        });
    }

    // ------------------------------------------------------------------ presence

    public void setPresence(Session s, Message.PresenceSet m) {
        Identity who = s.identity();
        Parties.requireRole(who, Role.SPECIALIST, "set a presence status");
        ClusterState.PresenceChange change = cluster.setPresence(who.userId(), PresenceStatus.of(m.status()), now(),
                config.nodeTimeout().toMillis());
        sessions.reply(s, new Message.Presence(m.id(), change.status().value()));
        if (change.status() != change.before()) {
            events.emit(new SignalingEvent.PresenceChanged(now(), who.userId(), change.status().value()));
        }
        if (change.status() == PresenceStatus.AVAILABLE) {
            who.specialties().forEach(queue::dispatch);
        }
    }

    // ------------------------------------------------------------------ urgent calls

    public void request(Session s, Message.CallRequest m) {
        Identity who = s.identity();
        Parties.requireRole(who, Role.NURSE, "request an urgent call");
        requirePatient(who, m.patientRef());
        String callId = RandomIds.next("c-");
        ClusterState.Dispatch d = cluster.request(new ClusterState.UrgentRequest(callId, who.userId(), s.id(),
                m.specialty(), m.patientRef(), m.reason(), who.displayName(), who.dispensaryId(), who.province()),
                now(), config.maxPendingCallsPerNurse(), queue.times());
        events.emit(new SignalingEvent.CallRequested(now(), callId, who.userId(), m.specialty(), m.patientRef(), null));
        ClusterState.Position mine = d.positions().stream().filter(p -> p.callId().equals(callId)).findFirst()
                .orElse(new ClusterState.Position(callId, s.id(), 1, 0));
        sessions.reply(s, new Message.CallQueued(m.id(), callId, mine.position(), mine.estimatedWaitSeconds()));
        queue.apply(m.specialty(), d, callId);
    }

    /** Rings whoever can be rung for a specialty and tells every waiting nurse where they stand. */
    public void dispatch(String specialty) {
        queue.dispatch(specialty);
    }

    public void accept(Session s, Message.CallAccept m) {
        Identity who = s.identity();
        Parties.requireRole(who, Role.SPECIALIST, "accept a call");
        ClusterState.Accepted a = cluster.accept(m.callId(), who, s.id(), now(), queue.times());
        CallRecord call = a.call();
        KnownCalls.Members mem = established.began(call);
        events.emit(new SignalingEvent.CallAccepted(now(), m.callId(), mem.nurseId(), who.userId(),
                call.patientRef(), null, Duration.between(call.requestedAt(), now())));
        events.emit(new SignalingEvent.PresenceChanged(now(), who.userId(), PresenceStatus.BUSY.value()));
        established.announceAccepted(call, Parties.specialist(who.userId(), a.specialistName()), s, m.id());
        Message.CallRingCancelled cancelled = new Message.CallRingCancelled(null, m.callId());
        if (!a.previouslyRung().isEmpty() && !a.previouslyRung().equals(who.userId())) {
            sessions.sendToUser(a.previouslyRung(), cancelled);
        }
        for (String other : a.specialistSessions()) {
            if (!other.equals(s.id())) {
                sessions.send(other, cancelled);
            }
        }
        queue.apply(call.specialty(), a.dispatch(), null);
    }

    public void decline(Session s, Message.CallDecline m) {
        Identity who = s.identity();
        Parties.requireRole(who, Role.SPECIALIST, "decline a call");
        String specialty = cluster.decline(m.callId(), who.userId(), now());
        events.emit(new SignalingEvent.CallDeclined(now(), m.callId(), who.userId()));
        sessions.reply(s, new Message.CallRingCancelled(m.id(), m.callId()));
        for (String other : cluster.userSessions(who.userId())) {
            if (!other.equals(s.id())) {
                sessions.send(other, new Message.CallRingCancelled(null, m.callId()));
            }
        }
        queue.dispatch(specialty);
    }

    public void cancel(Session s, Message.CallCancel m) {
        Parties.requireRole(s.identity(), Role.NURSE, "cancel a call request");
        established.end(m.callId(), s, m.id(), "cancelled");
    }

    /** Rings the next specialist for calls whose ring ran out. */
    public void ringTimeouts() {
        Set<String> specialties = new LinkedHashSet<>();
        for (ClusterState.TimedOut t : cluster.ringTimeouts(now())) {
            events.emit(new SignalingEvent.RingTimedOut(now(), t.callId(), t.specialistId()));
            sessions.sendToUser(t.specialistId(), new Message.CallRingCancelled(null, t.callId()));
            specialties.add(t.specialty());
        }
        specialties.forEach(queue::dispatch);
    }

    // ------------------------------------------------------------------ booked consultations

    public void join(Session s, Message.CallJoin m) {
        Identity who = s.identity();
        BookedConsultation b = appointments.find(m.appointmentId()).orElseThrow(() ->
                new ProtocolException(ErrorCode.UNKNOWN_APPOINTMENT, "no booked consultation with this id"));
        boolean asSpecialist = who.role() == Role.SPECIALIST && who.userId().equals(b.specialistId());
        boolean asNurse = who.role() == Role.NURSE && b.nurseDispensaryId().equals(who.dispensaryId());
        if (!asSpecialist && !asNurse) {
            throw new ProtocolException(ErrorCode.NOT_YOUR_APPOINTMENT, "you are not a participant of this consultation");
        }
        if (asNurse && b.patientRef() != null && !b.patientRef().isBlank()) {
            requirePatient(who, b.patientRef());
        }
        Instant now = now();
        if (now.isBefore(b.start().minus(config.appointmentJoinEarly())) || !now.isBefore(b.end())) {
            throw new ProtocolException(ErrorCode.APPOINTMENT_NOT_NOW,
                    "this consultation can be joined from " + b.start().minus(config.appointmentJoinEarly())
                            + " until " + b.end());
        }
        ClusterState.Joined j = cluster.join(b.appointmentId(), RandomIds.next("c-"), asSpecialist, who, s.id(),
                b.specialty(), b.patientRef() == null ? "" : b.patientRef(), now);
        if (!j.active()) {
            sessions.reply(s, new Message.CallWaiting(m.id(), j.callId()));
            events.emit(new SignalingEvent.CallRequested(now, j.callId(), asNurse ? who.userId() : null,
                    b.specialty(), b.patientRef(), b.appointmentId()));
            return;
        }
        CallRecord call = established.accepted(j.callId());
        KnownCalls.Members mem = established.began(call);
        events.emit(new SignalingEvent.CallAccepted(now, j.callId(), mem.nurseId(), mem.specialistId(),
                b.patientRef(), b.appointmentId(), Duration.between(call.requestedAt(), now)));
        events.emit(new SignalingEvent.PresenceChanged(now, mem.specialistId(), PresenceStatus.BUSY.value()));
        established.announceAccepted(call, s, m.id());
    }
}
