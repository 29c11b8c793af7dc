package ma.tabiblink.signaling.call;

import ma.tabiblink.signaling.RandomIds;
import ma.tabiblink.signaling.SignalingConfig;
import ma.tabiblink.signaling.appointment.AppointmentDirectory;
import ma.tabiblink.signaling.appointment.BookedConsultation;
import ma.tabiblink.signaling.auth.Role;
import ma.tabiblink.signaling.cluster.CallRecord;
import ma.tabiblink.signaling.cluster.ClusterState;
import ma.tabiblink.signaling.protocol.ErrorCode;
import ma.tabiblink.signaling.protocol.Message;
import ma.tabiblink.signaling.protocol.ProtocolException;
import ma.tabiblink.signaling.session.Session;
import ma.tabiblink.signaling.session.SessionRegistry;
import ma.tabiblink.signaling.video.IceServer;
import ma.tabiblink.signaling.video.JitsiInvitation;
import ma.tabiblink.signaling.video.JitsiParticipant;
import ma.tabiblink.signaling.video.PeerToPeerConfig;
import ma.tabiblink.signaling.video.VideoBroker;
import ma.tabiblink.signaling.video.VideoException;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The video of a call, as the protocol offers it: each member's peer-to-peer media settings, the call's Jitsi Meet
 * room when a specialist opens one, and guests invited into it. The {@link VideoBroker} mints the credentials.
 */
public final class CallVideo {

    private final SignalingConfig config;
    private final ClusterState cluster;
    private final SessionRegistry sessions;
    private final VideoBroker video;
    private final AppointmentDirectory appointments;
    private final KnownCalls known;
    private final GuestLinks guestLinks;
    private final Clock clock;

    CallVideo(SignalingConfig config, ClusterState cluster, SessionRegistry sessions, VideoBroker video,
              AppointmentDirectory appointments, KnownCalls known, GuestLinks guestLinks, Clock clock) {
        this.config = config;
        this.cluster = cluster;
        this.sessions = sessions;
        this.video = video;
        this.appointments = appointments;
        this.known = known;
        this.guestLinks = guestLinks;
        this.clock = clock;
    }

    /** The guests' single-use Jitsi links, which the web application opens. */
    public GuestLinks guestLinks() {
        return guestLinks;
    }

    /** How one member of a 1:1 call reaches the other: ICE servers with their TURN credentials. */
    Message.Media media(String userId) {
        PeerToPeerConfig p2p = video.peerToPeer(userId);
        List<Message.IceServerInfo> servers = new ArrayList<>();
        for (IceServer s : p2p.iceServers()) {
            servers.add(new Message.IceServerInfo(s.urls(), s.username(), s.credential()));
        }
        return new Message.Media("p2p", servers, p2p.iceTransportPolicy());
    }

    public void jitsi(Session s, Message.CallJitsi m) {
        Parties.requireRole(s.identity(), Role.SPECIALIST, "open a Jitsi room");
        KnownCalls.Members call = known.active(m.callId(), s);
        openJitsiRoom(call);
    }

    public void invite(Session s, Message.CallInvite m) {
        Parties.requireRole(s.identity(), Role.SPECIALIST, "invite a guest");
        KnownCalls.Members call = known.active(m.callId(), s);
        CallRecord stored = cluster.call(call.callId()).orElse(null);
        String room = stored == null ? null : stored.jitsiRoom();
        if (room == null) {
            room = openJitsiRoom(call);
        }
        String link = guestLinks.issue(call.callId(), room, s.identity().userId(), RandomIds.next("guest-"),
                m.name(), stored == null ? null : stored.patientRef(), consultationEnd(call.callId()));
        sessions.reply(s, new Message.CallInvitation(m.id(), call.callId(), link));
    }

    private String openJitsiRoom(KnownCalls.Members call) {
        if (!video.jitsiEnabled()) {
            throw new ProtocolException(ErrorCode.JITSI_NOT_CONFIGURED, "no Jitsi Meet server is configured");
        }
        String room = cluster.jitsiRoom(call.callId(), video.newJitsiRoomName());
        Instant end = consultationEnd(call.callId());
        for (boolean specialist : new boolean[] {false, true}) {
            String userId = specialist ? call.specialistId() : call.nurseId();
            JitsiInvitation inv = invitation(room, new JitsiParticipant(userId,
                    Parties.displayName(cluster, userId, call), null, specialist), end);
            sessions.send(specialist ? call.specialistSessionId() : call.nurseSessionId(),
                    new Message.JitsiRoom(call.callId(), inv.roomName(), inv.roomUrl(), inv.jwt()));
        }
        return room;
    }

    /** A booked consultation's room lasts until its slot ends; an urgent call's, the longest a call may last. */
    private Instant consultationEnd(String callId) {
        String appointmentId = cluster.call(callId).map(CallRecord::appointmentId).orElse(null);
        if (appointmentId != null) {
            return appointments.find(appointmentId).map(BookedConsultation::end)
                    .orElse(clock.instant().plus(config.maxCallDuration()));
        }
        return clock.instant().plus(config.maxCallDuration());
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
}
