package ma.tabiblink.web.records;

import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import ma.tabiblink.records.Actor;
import ma.tabiblink.records.Records;
import ma.tabiblink.records.RecordsException;
import ma.tabiblink.records.Role;
import ma.tabiblink.records.audit.AuditAction;
import ma.tabiblink.records.audit.AuditLog;
import ma.tabiblink.records.audit.AuditOutcome;
import ma.tabiblink.signaling.event.CallEventListener;
import ma.tabiblink.signaling.event.SignalingEvent;

/**
 * Writes the guests' Jitsi invitations and every use of their single-use links to the records audit log: who invited
 * whom into which call (and about which patient), and from which address each link was opened.
 */
@Component
class GuestLinksAudit implements CallEventListener {

    private static final Logger log = LoggerFactory.getLogger(GuestLinksAudit.class);

    private final Records records;

    GuestLinksAudit(Records records) {
        this.records = records;
    }

    @Override
    public void onEvent(SignalingEvent event) {
        try {
            if (event instanceof SignalingEvent.GuestInvited invited) {
                records.audit().record(new Actor(invited.specialistId(), Role.SPECIALIST, null, Set.of(), "signaling"),
                        new AuditLog.Event(AuditAction.JITSI_GUEST_INVITE, AuditOutcome.SUCCESS, "Call",
                                invited.callId(), invited.patientRef(),
                                "guest " + invited.guestId() + " (" + invited.guestName() + ")"));
            } else if (event instanceof SignalingEvent.GuestLinkUsed used) {
                // The guest has no account: the application opens the link on their behalf, from their address.
                records.audit().record(new Actor("system:guest-link", Role.SYSTEM, null, Set.of(), used.from()),
                        new AuditLog.Event(AuditAction.JITSI_GUEST_JOIN,
                                used.admitted() ? AuditOutcome.SUCCESS : AuditOutcome.DENIED, "Call", used.callId(),
                                used.patientRef(), "guest " + used.guestId() + " (" + used.guestName() + ") invited by "
                                        + used.specialistId() + (used.admitted() ? "" : ": link already used")));
            }
        } catch (RecordsException e) {
            log.warn("Guest link event of call not audited: {}", e.code());
        }
    }
}
