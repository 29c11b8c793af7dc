package ma.tabiblink.signaling.call;

import ma.tabiblink.signaling.auth.Role;
import ma.tabiblink.signaling.cluster.CallRecord;
import ma.tabiblink.signaling.cluster.CallState;
import ma.tabiblink.signaling.cluster.ClusterState;
import ma.tabiblink.signaling.cluster.Presence;
import ma.tabiblink.signaling.cluster.PresenceStatus;
import ma.tabiblink.signaling.event.EventDispatcher;
import ma.tabiblink.signaling.event.SignalingEvent;
import ma.tabiblink.signaling.protocol.ErrorCode;
import ma.tabiblink.signaling.protocol.Message;
import ma.tabiblink.signaling.protocol.Message.Party;
import ma.tabiblink.signaling.protocol.ProtocolException;
import ma.tabiblink.signaling.session.Session;
import ma.tabiblink.signaling.session.SessionRegistry;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A call once both members are in it: the SDP/ICE relay between them, their drops and resumes, and its end (hang-up,
 * or a member gone for good), after which the freed specialist's queues are dispatched again.
 */
public final class EstablishedCall {

    private static final Duration ENDED_CALL_KEPT = Duration.ofMinutes(10);

    private final ClusterState cluster;
    private final SessionRegistry sessions;
    private final KnownCalls known;
    private final CallVideo video;
    private final CallQueue queue;
    private final EventDispatcher events;
    private final Clock clock;

    EstablishedCall(ClusterState cluster, SessionRegistry sessions, KnownCalls known, CallVideo video, CallQueue queue,
                    EventDispatcher events, Clock clock) {
        this.cluster = cluster;
        this.sessions = sessions;
        this.known = known;
        this.video = video;
        this.queue = queue;
        this.events = events;
        this.clock = clock;
    }

    // ------------------------------------------------------------------ start

    /** The call that was just made active (by an accept or a second participant joining). */
    CallRecord accepted(String callId) {
        return cluster.call(callId).orElseThrow(() ->
                new ProtocolException(ErrorCode.CALL_ENDED, "this call has ended"));
    }

    /** Remembers an accepted call here; relaying between its members needs no Redis round trip. */
    KnownCalls.Members began(CallRecord call) {
        return known.remember(call);
    }

    /** Both members learn that the call is established: the nurse offers, the specialist answers. */
    void announceAccepted(CallRecord call, Session requester, String re) {
        announceAccepted(call, Parties.specialist(cluster, call.specialistId()), requester, re);
    }

    /** As above, with the specialist as already read. */
    void announceAccepted(CallRecord call, Party specialist, Session requester, String re) {
        Party nurse = Parties.nurseOf(call);
        sendAs(requester, call.nurseSessionId(), re, new Message.CallAccepted(null, call.callId(), "offerer",
                specialist, call.patientRef(), video.media(nurse.id())));
        sendAs(requester, call.specialistSessionId(), re, new Message.CallAccepted(null, call.callId(), "answerer",
                nurse, call.patientRef(), video.media(call.specialistId())));
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

    // ------------------------------------------------------------------ relay

    /**
     * Relays without touching Redis when the call is known here and the peer is connected to this node; returns false,
     * having done nothing, otherwise ({@link #relay} then does it, or explains why not).
     */
    public boolean relayHere(Session s, Message.Relayed m) {
        KnownCalls.Members call = known.get(m.callId());
        String peer = call == null ? null : call.peerOf(s.id());
        if (peer == null) {
            return false;
        }
        Session here = sessions.local(peer);
        return here != null && here.send(sessions.encodeUtf8(m.toPeer(s.identity().userId())));
    }

    public void relay(Session s, Message.Relayed m) {
        KnownCalls.Members call = known.active(m.callId(), s);
        String json = sessions.encode(m.toPeer(s.identity().userId()));
        if (sessions.sendJson(call.peerOf(s.id()), json, m.callId()) == ClusterState.Delivery.NOT_ACTIVE) {
            known.forget(m.callId());
            throw new ProtocolException(ErrorCode.CALL_ENDED, "this call has ended");
        }
    }

    // ------------------------------------------------------------------ end

    public void hangup(Session s, Message.CallHangup m) {
        end(m.callId(), s, m.id(), m.reason());
    }

    /** Ends a call (whatever its state) at the request of one of its members. */
    void end(String callId, Session by, String re, String reason) {
        if (cluster.call(callId).filter(call -> !call.hasMember(by.id())).isPresent()) {
            throw new ProtocolException(ErrorCode.NOT_IN_CALL, "you are not a member of this call");
        }
        ClusterState.Ended e = cluster.end(callId, by.identity().userId(), reason, clock.instant(),
                ENDED_CALL_KEPT.toMillis());
        announceEnded(callId, e, by.identity().userId(), reason, by, re);
    }

    private void announceEnded(String callId, ClusterState.Ended e, String byUser, String reason, Session requester,
                               String re) {
        known.forget(callId);
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
        events.emit(new SignalingEvent.CallEnded(clock.instant(), callId, reason, byUser,
                e.appointmentId().isEmpty() ? null : e.appointmentId(), e.previousState() == CallState.ACTIVE));
        Set<String> specialties = new LinkedHashSet<>();
        if (!e.specialty().isEmpty()) {
            specialties.add(e.specialty());
        }
        if (!e.specialistId().isEmpty() && e.previousState() == CallState.ACTIVE) {
            Presence presence = cluster.presence(e.specialistId()).orElse(null);
            if (presence != null && presence.status() != null) {
                events.emit(new SignalingEvent.PresenceChanged(clock.instant(), e.specialistId(),
                        presence.status().value()));
            }
            if (presence != null) {
                specialties.addAll(presence.specialties());
            }
        }
        specialties.stream().filter(x -> !x.isBlank()).forEach(queue::dispatch);
    }

    /** Ends the calls of a session that is gone for good (resume window over, or the client left). */
    public void endCallsOf(ClusterState.Forgotten gone, String reason) {
        if (gone.lastSession() && !gone.userId().isEmpty()) {
            events.emit(new SignalingEvent.PresenceChanged(clock.instant(), gone.userId(),
                    PresenceStatus.OFFLINE.value()));
        }
        for (String callId : gone.callIds()) {
            try {
                ClusterState.Ended e = cluster.end(callId, null, reason, clock.instant(), ENDED_CALL_KEPT.toMillis());
                announceEnded(callId, e, gone.userId(), reason, null, null);
            } catch (ProtocolException alreadyEnded) {
                known.forget(callId);
            }
        }
    }

    /** Forgets a call this node cached once a member here hears it ended elsewhere. */
    public void forget(String callId) {
        known.forget(callId);
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
                KnownCalls.Members mem = known.remember(call);
                String peerId = nurse ? mem.specialistId() : mem.nurseId();
                String peerName = nurse ? Parties.displayName(cluster, peerId, mem)
                        : Objects.requireNonNullElse(call.nurseName(), peerId);
                peer = new Party(peerId, peerName, nurse ? Role.SPECIALIST.name() : Role.NURSE.name(), null, null);
                media = video.media(s.identity().userId());
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
            KnownCalls.Members mem = known.get(c.callId());
            if (mem == null) {
                continue;
            }
            String peerSid = mem.peerOf(s.id());
            sessions.send(peerSid, new Message.PeerBack(c.callId()));
            String offerer = mem.nurseSessionId();
            sessions.send(offerer, new Message.IceRestart(c.callId()));
        }
    }
}
