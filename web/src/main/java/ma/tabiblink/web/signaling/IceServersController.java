package ma.tabiblink.web.signaling;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import ma.tabiblink.signaling.video.PeerToPeerConfig;
import ma.tabiblink.signaling.video.VideoBroker;
import ma.tabiblink.web.account.CurrentUser;
import ma.tabiblink.web.account.Role;

/**
 * The STUN and TURN servers a call would use, with fresh time-limited TURN credentials: the pre-call check uses them
 * to find out, before any call, whether UDP, TURN over UDP and TURN over TLS get through the dispensary's network.
 */
@RestController
@RequestMapping("/api/v1/video/ice-servers")
@Tag(name = "Video")
class IceServersController {

    private final VideoBroker video;

    IceServersController(VideoBroker video) {
        this.video = video;
    }

    @GetMapping
    @Operation(summary = "ICE servers (STUN, TURN with credentials) for the pre-call network check; nurses and specialists")
    PeerToPeerConfig iceServers(CurrentUser user) {
        user.requireRole(Role.NURSE, Role.SPECIALIST);
        return video.peerToPeer(user.id());
    }
}
