package ma.tabiblink.signaling.call;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Pattern;

import ma.tabiblink.signaling.cluster.ClusterState;
import ma.tabiblink.signaling.cluster.GuestLink;
import ma.tabiblink.signaling.event.EventDispatcher;
import ma.tabiblink.signaling.event.SignalingEvent;
import ma.tabiblink.signaling.video.JitsiInvitation;
import ma.tabiblink.signaling.video.JitsiParticipant;
import ma.tabiblink.signaling.video.VideoBroker;
import ma.tabiblink.signaling.video.VideoException;

/**
 * Single-use invitations of a guest (an interpreter, a second opinion) into the Jitsi Meet room of a call. The
 * specialist hands out a link to this application holding an unguessable ticket, never the Jitsi token itself: the
 * first visit exchanges the ticket for the guest's token and the room, every later visit is refused. Issuing and
 * every use are reported as {@link SignalingEvent}s, for the audit log.
 */
public final class GuestLinks {

    /** Where the web application serves the links: {@code PATH + ticket}. */
    public static final String PATH = "/jitsi/guest/";
    /** How long after the consultation end an unused link still exists (a Jitsi token could no longer be issued). */
    private static final Duration KEPT_AFTER_END = Duration.ofHours(1);
    private static final Duration MAX_KEPT = Duration.ofHours(24);
    private static final Pattern TICKET = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ClusterState cluster;
    private final VideoBroker video;
    private final EventDispatcher events;
    private final Clock clock;

    GuestLinks(ClusterState cluster, VideoBroker video, EventDispatcher events, Clock clock) {
        this.cluster = cluster;
        this.video = video;
        this.events = events;
        this.clock = clock;
    }

    /** What opening a link gives. */
    public sealed interface Use {
        /** First use: the room URL with the guest's Jitsi token. */
        record Admitted(String roomUrl) implements Use {
            @Override
            public String toString() {
                return "Admitted[roomUrl=(bearer, not shown)]";
            }
        }

        /** The link was opened before; nobody gets a token from it again. */
        record AlreadyUsed(Instant usedAt) implements Use {
        }

        /** The consultation is over: no token can be issued any more. */
        record Over() implements Use {
        }

        /** No such link (never issued, mistyped or expired). */
        record Unknown() implements Use {
        }
    }

    /** Issues a link for a guest of {@code callId}'s room and returns its path ({@link #PATH} and the ticket). */
    String issue(String callId, String room, String specialistId, String guestId, String guestName, String patientRef,
                 Instant consultationEnd) {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Instant now = clock.instant();
        Instant keptUntil = consultationEnd.plus(KEPT_AFTER_END);
        if (keptUntil.isAfter(now.plus(MAX_KEPT))) {
            keptUntil = now.plus(MAX_KEPT);
        }
        cluster.storeGuestLink(ticket, new GuestLink(callId, room, specialistId, guestId, guestName, patientRef,
                consultationEnd, null), keptUntil);
        events.emit(new SignalingEvent.GuestInvited(now, callId, specialistId, guestId, guestName, patientRef));
        return PATH + ticket;
    }

    /** Opens a link: the first time admits the guest, afterwards refuses; every use is reported. */
    public Use use(String ticket, String from) {
        if (ticket == null || !TICKET.matcher(ticket).matches()) {
            return new Use.Unknown();
        }
        Instant now = clock.instant();
        ClusterState.GuestLinkUse use = cluster.useGuestLink(ticket, now).orElse(null);
        if (use == null) {
            return new Use.Unknown();
        }
        GuestLink link = use.link();
        events.emit(new SignalingEvent.GuestLinkUsed(now, link.callId(), link.specialistId(), link.guestId(),
                link.guestName(), link.patientRef(), use.first(), from));
        if (!use.first()) {
            return new Use.AlreadyUsed(link.usedAt());
        }
        try {
            JitsiInvitation invitation = video.jitsiInvitation(link.room(),
                    new JitsiParticipant(link.guestId(), link.guestName(), null, false), link.consultationEnd());
            return new Use.Admitted(invitation.roomUrl());
        } catch (VideoException e) {
            return new Use.Over();
        }
    }
}
