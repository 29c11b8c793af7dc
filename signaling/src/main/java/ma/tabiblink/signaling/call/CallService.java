package ma.tabiblink.signaling.call;

import ma.tabiblink.signaling.SignalingConfig;
import ma.tabiblink.signaling.appointment.AppointmentDirectory;
import ma.tabiblink.signaling.appointment.BookedConsultation;
import ma.tabiblink.signaling.auth.Identity;
import ma.tabiblink.signaling.auth.Role;
import ma.tabiblink.signaling.cluster.CallRecord;
import ma.tabiblink.signaling.cluster.CallState;
import ma.tabiblink.signaling.cluster.ClusterState;
import ma.tabiblink.signaling.cluster.Presence;
import ma.tabiblink.signaling.cluster.PresenceStatus;
import ma.tabiblink.signaling.event.EventDispatcher;
import ma.tabiblink.signaling.event.SignalingEvent;
import ma.tabiblink.signaling.patient.PatientAccess;
import ma.tabiblink.signaling.protocol.ErrorCode;
import ma.tabiblink.signaling.protocol.Message;
import ma.tabiblink.signaling.protocol.Message.Party;
import ma.tabiblink.signaling.protocol.ProtocolException;
import ma.tabiblink.signaling.session.Session;
import ma.tabiblink.signaling.session.SessionRegistry;
import ma.tabiblink.signaling.video.IceServer;
import ma.tabiblink.signaling.video.JitsiInvitation;
import ma.tabiblink.signaling.video.JitsiParticipant;
import ma.tabiblink.signaling.video.PeerToPeerConfig;
import ma.tabiblink.signaling.video.VideoBroker;
import ma.tabiblink.signaling.video.VideoException;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Urgent call routing, booked-consultation calls, the SDP/ICE relay and hang-up: everything a session asks about a
 * call, and what the cluster housekeeping does to calls (ring timeouts, members who never came back).
 */
public final class CallService {

    private static final Duration ENDED_CALL_KEPT = Duration.ofMinutes(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SignalingConfig config;
    private final ClusterState cluster;
    private final SessionRegistry sessions;
    private final VideoBroker video;
    private final AppointmentDirectory appointments;
    private final PatientAccess patients;
    private final EventDispatcher events;
    private final Clock clock;
    /** Members of active calls that have a member on this node, so relaying needs no Redis round trip. */
    private final Map<String, Members> members = new ConcurrentHashMap<>();
    private final GuestLinks guestLinks;

    private record Members(String callId, String nurseId, String nurseSessionId, String specialistId,
                           String specialistSessionId) {
        static Members of(CallRecord call) {
            return new Members(call.callId(), call.nurseId(), call.nurseSessionId(), call.specialistId(),
                    call.specialistSessionId());
        }

        String peerOf(String sessionId) {
            if (sessionId.equals(nurseSessionId)) {
                return specialistSessionId;
            }
            if (sessionId.equals(specialistSessionId)) {
                return nurseSessionId;
            }
            return null;
        }
    }

    public CallService(SignalingConfig config, ClusterState cluster, SessionRegistry sessions, VideoBroker video,
                       AppointmentDirectory appointments, PatientAccess patients, EventDispatcher events, Clock clock) {
        this.config = config;
        this.cluster = cluster;
        this.sessions = sessions;
        this.video = video;
        this.appointments = appointments;
        this.patients = patients;
        this.events = events;
        this.clock = clock;
        this.guestLinks = new GuestLinks(cluster, video, events, clock);
    }

    /** The guests' single-use Jitsi links, which the web application opens. */
    public GuestLinks guestLinks() {
        return guestLinks;
    }

    public static String newId(String prefix) {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return prefix + HexFormat.of().formatHex(b);
    }

    private Instant now() {
        return clock.instant();
    }

    private static void requireRole(Identity who, Role role, String what) {
        if (who.role() != role) {
            throw new ProtocolException(ErrorCode.FORBIDDEN_ROLE, "only a " + role.name().toLowerCase() + " may " + what);
        }
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
        requireRole(who, Role.SPECIALIST, "set a presence status");
        ClusterState.PresenceChange change = cluster.setPresence(who.userId(), PresenceStatus.of(m.status()), now(),
                presenceTtlMs());
        sessions.reply(s, new Message.Presence(m.id(), change.status().value()));
        if (change.status() != change.before()) {
            events.emit(new SignalingEvent.PresenceChanged(now(), who.userId(), change.status().value()));
        }
        if (change.status() == PresenceStatus.AVAILABLE) {
            who.specialties().forEach(this::dispatch);
        }
    }

    long presenceTtlMs() {
        return config.nodeTimeout().toMillis();
    }

    // ------------------------------------------------------------------ urgent calls

    public void request(Session s, Message.CallRequest m) {
        Identity who = s.identity();
        requireRole(who, Role.NURSE, "request an urgent call");
        requirePatient(who, m.patientRef());
        String callId = newId("c-");
        cluster.request(new ClusterState.UrgentRequest(callId, who.userId(), s.id(), m.specialty(), m.patientRef(),
                m.reason(), who.displayName(), who.dispensaryId(), who.province()), now(),
                config.maxPendingCallsPerNurse());
        events.emit(new SignalingEvent.CallRequested(now(), callId, who.userId(), m.specialty(), m.patientRef(), null));
        ClusterState.Dispatch d = cluster.dispatch(m.specialty(), now(), config.ringTimeout().toMillis(),
                config.typicalCallDuration().toMillis());
        ClusterState.Position mine = d.positions().stream().filter(p -> p.callId().equals(callId)).findFirst()
                .orElse(new ClusterState.Position(callId, s.id(), 1, 0));
        sessions.reply(s, new Message.CallQueued(m.id(), callId, mine.position(), mine.estimatedWaitSeconds()));
        apply(m.specialty(), d, callId);
    }

    /** Rings whoever can be rung for a specialty and tells every waiting nurse where they stand. */
    public void dispatch(String specialty) {
        apply(specialty, cluster.dispatch(specialty, now(), config.ringTimeout().toMillis(),
                config.typicalCallDuration().toMillis()), null);
    }

    private void apply(String specialty, ClusterState.Dispatch d, String skipPositionOf) {
        for (ClusterState.Ring ring : d.rings()) {
            CallRecord call = cluster.call(ring.callId()).orElse(null);
            if (call == null) {
                continue;
            }
            // The event goes before the specialist hears of the call: they may accept at once, and a CallAccepted
            // emitted before CallRinging would lose its ring-to-answer time.
            Party specialist = specialistParty(ring.specialistId());
            events.emit(new SignalingEvent.CallRinging(now(), ring.callId(), ring.specialistId()));
            sessions.sendToUser(ring.specialistId(), new Message.CallIncoming(ring.callId(), call.specialty(),
                    call.patientRef(), call.reason(), nurseOf(call), config.ringTimeout().toSeconds()));
            sessions.send(call.nurseSessionId(), new Message.CallRinging(ring.callId(), specialist));
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
            events.emit(new SignalingEvent.QueueChanged(now(), specialty, cluster.queueLength(specialty)));
        }
    }

    private static Party nurseOf(CallRecord call) {
        return new Party(call.nurseId(), call.nurseName(), Role.NURSE.name(), call.nurseDispensaryId(),
                call.nurseProvince());
    }

    private Party specialistParty(String specialistId) {
        return new Party(specialistId, cluster.specialistName(specialistId).orElse(specialistId),
                Role.SPECIALIST.name(), null, null);
    }

    public void accept(Session s, Message.CallAccept m) {
        Identity who = s.identity();
        requireRole(who, Role.SPECIALIST, "accept a call");
        String previouslyRung = cluster.accept(m.callId(), who, s.id(), now());
        CallRecord call = acceptedCall(m.callId());
        Members mem = Members.of(call);
        members.put(m.callId(), mem);
        events.emit(new SignalingEvent.CallAccepted(now(), m.callId(), mem.nurseId(), who.userId(),
                call.patientRef(), null, Duration.between(call.requestedAt(), now())));
        events.emit(new SignalingEvent.PresenceChanged(now(), who.userId(), PresenceStatus.BUSY.value()));
        announceAccepted(call, s, m.id());
        Message.CallRingCancelled cancelled = new Message.CallRingCancelled(null, m.callId());
        if (!previouslyRung.isEmpty() && !previouslyRung.equals(who.userId())) {
            sessions.sendToUser(previouslyRung, cancelled);
        }
        for (String other : cluster.userSessions(who.userId())) {
            if (!other.equals(s.id())) {
                sessions.send(other, cancelled);
            }
        }
        dispatch(call.specialty());
    }

    /** The call that was just made active (by an accept or a second participant joining). */
    private CallRecord acceptedCall(String callId) {
        return cluster.call(callId).orElseThrow(() ->
                new ProtocolException(ErrorCode.CALL_ENDED, "this call has ended"));
    }

    /** Both members learn that the call is established: the nurse offers, the specialist answers. */
    private void announceAccepted(CallRecord call, Session requester, String re) {
        Party nurse = nurseOf(call);
        Party specialist = specialistParty(call.specialistId());
        sendAs(requester, call.nurseSessionId(), re, new Message.CallAccepted(null, call.callId(), "offerer",
                specialist, call.patientRef(), media(nurse.id())));
        sendAs(requester, call.specialistSessionId(), re, new Message.CallAccepted(null, call.callId(), "answerer",
                nurse, call.patientRef(), media(call.specialistId())));
    }

    /** Sends to a session; when it is the requester's own, the message carries the request id. */
    private void sendAs(Session requester, String sessionId, String re, Message.CallAccepted m) {
        if (requester.id().equals(sessionId)) {
            sessions.reply(requester, new Message.CallAccepted(re, m.callId(), m.role(), m.peer(),
                    m.patientRef(), m.media()));
        } else {
            sessions.send(sessionId, m);
        }
    }

    public Message.Media media(String userId) {
        PeerToPeerConfig p2p = video.peerToPeer(userId);
        List<Message.IceServerInfo> servers = new ArrayList<>();
        for (IceServer s : p2p.iceServers()) {
            servers.add(new Message.IceServerInfo(s.urls(), s.username(), s.credential()));
        }
        return new Message.Media("p2p", servers, p2p.iceTransportPolicy());
    }

    public void decline(Session s, Message.CallDecline m) {
        Identity who = s.identity();
        requireRole(who, Role.SPECIALIST, "decline a call");
        String specialty = cluster.decline(m.callId(), who.userId(), now());
        events.emit(new SignalingEvent.CallDeclined(now(), m.callId(), who.userId()));
        sessions.reply(s, new Message.CallRingCancelled(m.id(), m.callId()));
        for (String other : cluster.userSessions(who.userId())) {
            if (!other.equals(s.id())) {
                sessions.send(other, new Message.CallRingCancelled(null, m.callId()));
            }
        }
        dispatch(specialty);
    }

    public void cancel(Session s, Message.CallCancel m) {
        requireRole(s.identity(), Role.NURSE, "cancel a call request");
        end(m.callId(), s, m.id(), "cancelled");
    }

    public void hangup(Session s, Message.CallHangup m) {
        end(m.callId(), s, m.id(), m.reason());
    }

    private void end(String callId, Session by, String re, String reason) {
        if (cluster.call(callId).filter(call -> !call.hasMember(by.id())).isPresent()) {
            throw new ProtocolException(ErrorCode.NOT_IN_CALL, "you are not a member of this call");
        }
        ClusterState.Ended e = cluster.end(callId, by.identity().userId(), reason, now(), ENDED_CALL_KEPT.toMillis());
        announceEnded(callId, e, by.identity().userId(), reason, by, re);
    }

    private void announceEnded(String callId, ClusterState.Ended e, String byUser, String reason, Session requester,
                               String re) {
        members.remove(callId);
        for (String sid : List.of(e.nurseSessionId(), e.specialistSessionId())) {
            if (sid.isEmpty()) {
                continue;
            }
            if (requester != null && requester.id().equals(sid)) {
                sessions.reply(requester, new Message.CallEnded(re, callId, reason, byUser));
            } else {
                sessions.send(sid, new Message.CallEnded(null, callId, reason, byUser));
            }
        }
        if (!e.ringingSpecialistId().isEmpty()) {
            sessions.sendToUser(e.ringingSpecialistId(), new Message.CallRingCancelled(null, callId));
        }
        events.emit(new SignalingEvent.CallEnded(now(), callId, reason, byUser,
                e.appointmentId().isEmpty() ? null : e.appointmentId(), e.previousState() == CallState.ACTIVE));
        Set<String> specialties = new LinkedHashSet<>();
        if (!e.specialty().isEmpty()) {
            specialties.add(e.specialty());
        }
        if (!e.specialistId().isEmpty() && e.previousState() == CallState.ACTIVE) {
            Presence presence = cluster.presence(e.specialistId()).orElse(null);
            if (presence != null && presence.status() != null) {
                events.emit(new SignalingEvent.PresenceChanged(now(), e.specialistId(), presence.status().value()));
            }
            if (presence != null) {
                specialties.addAll(presence.specialties());
            }
        }
        specialties.stream().filter(x -> !x.isBlank()).forEach(this::dispatch);
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
        ClusterState.Joined j = cluster.join(b.appointmentId(), newId("c-"), asSpecialist, who, s.id(),
                b.specialty(), b.patientRef() == null ? "" : b.patientRef(), now);
        if (!j.active()) {
            sessions.reply(s, new Message.CallWaiting(m.id(), j.callId()));
            events.emit(new SignalingEvent.CallRequested(now, j.callId(), asNurse ? who.userId() : null,
                    b.specialty(), b.patientRef(), b.appointmentId()));
            return;
        }
        CallRecord call = acceptedCall(j.callId());
        Members mem = Members.of(call);
        members.put(j.callId(), mem);
        events.emit(new SignalingEvent.CallAccepted(now, j.callId(), mem.nurseId(), mem.specialistId(),
                b.patientRef(), b.appointmentId(), Duration.between(call.requestedAt(), now)));
        events.emit(new SignalingEvent.PresenceChanged(now, mem.specialistId(), PresenceStatus.BUSY.value()));
        announceAccepted(call, s, m.id());
    }

    // ------------------------------------------------------------------ relay

    private Members activeMembers(String callId, Session s) {
        Members m = members.get(callId);
        if (m == null) {
            CallRecord call = cluster.call(callId).orElseThrow(() ->
                    new ProtocolException(ErrorCode.NOT_IN_CALL, "you are not a member of this call"));
            if (!call.hasMember(s.id())) {
                throw new ProtocolException(ErrorCode.NOT_IN_CALL, "you are not a member of this call");
            }
            if (call.state() == CallState.ENDED) {
                throw new ProtocolException(ErrorCode.CALL_ENDED, "this call has ended");
            }
            if (call.state() != CallState.ACTIVE) {
                throw new ProtocolException(ErrorCode.CALL_NOT_ACTIVE, "the call is not established");
            }
            m = Members.of(call);
            members.put(callId, m);
        }
        if (m.peerOf(s.id()) == null) {
            throw new ProtocolException(ErrorCode.NOT_IN_CALL, "you are not a member of this call");
        }
        return m;
    }

    /**
     * Relays without touching Redis when the call is known here and the peer is connected to this node; returns false,
     * having done nothing, otherwise ({@link #relay} then does it, or explains why not).
     */
    public boolean relayHere(Session s, Message.Relayed m) {
        Members call = members.get(m.callId());
        String peer = call == null ? null : call.peerOf(s.id());
        if (peer == null) {
            return false;
        }
        Session here = sessions.local(peer);
        return here != null && here.send(sessions.encode(m.toPeer(s.identity().userId())));
    }

    public void relay(Session s, Message.Relayed m) {
        Members call = activeMembers(m.callId(), s);
        String json = sessions.encode(m.toPeer(s.identity().userId()));
        if (sessions.sendJson(call.peerOf(s.id()), json, m.callId()) == ClusterState.Delivery.NOT_ACTIVE) {
            members.remove(m.callId());
            throw new ProtocolException(ErrorCode.CALL_ENDED, "this call has ended");
        }
    }

    // ------------------------------------------------------------------ Jitsi

    public void jitsi(Session s, Message.CallJitsi m) {
        requireRole(s.identity(), Role.SPECIALIST, "open a Jitsi room");
        Members call = activeMembers(m.callId(), s);
        openJitsiRoom(call);
    }

    private String openJitsiRoom(Members call) {
        if (!video.jitsiEnabled()) {
            throw new ProtocolException(ErrorCode.JITSI_NOT_CONFIGURED, "no Jitsi Meet server is configured");
        }
        String room = cluster.jitsiRoom(call.callId(), video.newJitsiRoomName());
        Instant end = consultationEnd(call.callId());
        for (boolean specialist : new boolean[] {false, true}) {
            String userId = specialist ? call.specialistId() : call.nurseId();
            JitsiInvitation inv = invitation(room, new JitsiParticipant(userId, displayName(userId, call),
                    null, specialist), end);
            sessions.send(specialist ? call.specialistSessionId() : call.nurseSessionId(),
                    new Message.JitsiRoom(call.callId(), inv.roomName(), inv.roomUrl(), inv.jwt()));
        }
        return room;
    }

    private String displayName(String userId, Members call) {
        if (userId.equals(call.nurseId())) {
            return cluster.call(call.callId()).map(CallRecord::nurseName).orElse(userId);
        }
        return cluster.specialistName(userId).orElse(userId);
    }

    private Instant consultationEnd(String callId) {
        String appointmentId = cluster.call(callId).map(CallRecord::appointmentId).orElse(null);
        if (appointmentId != null) {
            return appointments.find(appointmentId).map(BookedConsultation::end)
                    .orElse(now().plus(config.maxCallDuration()));
        }
        return now().plus(config.maxCallDuration());
    }

    private JitsiInvitation invitation(String room, JitsiParticipant who, Instant end) {
        try {
            return video.jitsiInvitation(room, who, end);
        } catch (VideoException e) {
            ErrorCode code = VideoException.CONSULTATION_OVER.equals(e.code()) ? ErrorCode.CONSULTATION_OVER
                    : VideoException.JITSI_NOT_CONFIGURED.equals(e.code()) ? ErrorCode.JITSI_NOT_CONFIGURED
                    : ErrorCode.INVALID_MESSAGE;
            throw new ProtocolException(code, e.getMessage());
        }
    }

    public void invite(Session s, Message.CallInvite m) {
        requireRole(s.identity(), Role.SPECIALIST, "invite a guest");
        Members call = activeMembers(m.callId(), s);
        CallRecord stored = cluster.call(call.callId()).orElse(null);
        String room = stored == null ? null : stored.jitsiRoom();
        if (room == null) {
            room = openJitsiRoom(call);
        }
        String link = guestLinks.issue(call.callId(), room, s.identity().userId(), newId("guest-"), m.name(),
                stored == null ? null : stored.patientRef(), consultationEnd(call.callId()));
        sessions.reply(s, new Message.CallInvitation(m.id(), call.callId(), link));
    }

    // ------------------------------------------------------------------ drops and resumes

    /** Tells the peers of a session that just dropped that it is reconnecting. */
    public void peersReconnecting(List<ClusterState.CallPeer> calls) {
        for (ClusterState.CallPeer c : calls) {
            sessions.send(c.peerSessionId(), new Message.PeerReconnecting(c.callId()));
        }
    }

    /** The calls of a session that just resumed; their peers hear "peer back" and the offerer restarts ICE. */
    public List<Message.CallSummary> resumed(Session s) {
        List<Message.CallSummary> out = new ArrayList<>();
        for (String callId : cluster.sessionCalls(s.id())) {
            CallRecord call = cluster.call(callId).orElse(null);
            if (call == null) {
                continue;
            }
            boolean nurse = s.id().equals(call.nurseSessionId());
            Party peer = null;
            Message.Media media = null;
            if (call.state() == CallState.ACTIVE) {
                Members mem = Members.of(call);
                members.put(callId, mem);
                String peerId = nurse ? mem.specialistId() : mem.nurseId();
                String peerName = nurse ? displayName(peerId, mem)
                        : Objects.requireNonNullElse(call.nurseName(), peerId);
                peer = new Party(peerId, peerName, nurse ? Role.SPECIALIST.name() : Role.NURSE.name(), null, null);
                media = media(s.identity().userId());
            }
            out.add(new Message.CallSummary(callId, call.state().value(), nurse ? "offerer" : "answerer", peer,
                    call.specialty(), call.patientRef(), media));
        }
        return out;
    }

    /** Sent after {@code session.resumed} and the replayed messages. */
    public void announceBack(Session s, List<Message.CallSummary> calls) {
        for (Message.CallSummary c : calls) {
            if (!CallState.ACTIVE.value().equals(c.state())) {
                continue;
            }
            Members mem = members.get(c.callId());
            if (mem == null) {
                continue;
            }
            String peerSid = mem.peerOf(s.id());
            sessions.send(peerSid, new Message.PeerBack(c.callId()));
            String offerer = mem.nurseSessionId();
            sessions.send(offerer, new Message.IceRestart(c.callId()));
        }
    }

    /** Ends the calls of a session that is gone for good (resume window over, or the client left). */
    public void endCallsOf(ClusterState.Forgotten gone, String reason) {
        if (gone.lastSession() && !gone.userId().isEmpty()) {
            events.emit(new SignalingEvent.PresenceChanged(now(), gone.userId(), PresenceStatus.OFFLINE.value()));
        }
        for (String callId : gone.callIds()) {
            try {
                ClusterState.Ended e = cluster.end(callId, null, reason, now(), ENDED_CALL_KEPT.toMillis());
                announceEnded(callId, e, gone.userId(), reason, null, null);
            } catch (ProtocolException alreadyEnded) {
                members.remove(callId);
            }
        }
    }

    /** Rings the next specialist for calls whose ring ran out. */
    public void ringTimeouts() {
        Set<String> specialties = new LinkedHashSet<>();
        for (ClusterState.TimedOut t : cluster.ringTimeouts(now())) {
            events.emit(new SignalingEvent.RingTimedOut(now(), t.callId(), t.specialistId()));
            sessions.sendToUser(t.specialistId(), new Message.CallRingCancelled(null, t.callId()));
            specialties.add(t.specialty());
        }
        specialties.forEach(this::dispatch);
    }

    /** Forgets a call this node cached once a member here hears it ended elsewhere. */
    public void forget(String callId) {
        members.remove(callId);
    }
}
