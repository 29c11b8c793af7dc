package ma.tabiblink.web.signaling;

import java.net.URI;

import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import ma.tabiblink.signaling.call.GuestLinks;
import ma.tabiblink.web.error.ApiError;
import ma.tabiblink.web.error.ApiException;

/**
 * A guest's single-use link into a call's Jitsi Meet room. It needs no account (the guest has none): the unguessable
 * link is the credential, and it works once. Every use is audited.
 */
@RestController
@Tag(name = "Jitsi guests", description = "Single-use links of guests (interpreter, second opinion) into a call's room")
class GuestLinkController {

    private final EmbeddedSignaling signaling;

    GuestLinkController(EmbeddedSignaling signaling) {
        this.signaling = signaling;
    }

    @GetMapping(GuestLinks.PATH + "{ticket}")
    @Operation(summary = "Open a guest link: the first visit is redirected into the Jitsi Meet room with the guest's "
            + "token; the link is then spent")
    @ApiResponse(responseCode = "302", description = "Into the Jitsi Meet room (Location carries the guest's token)")
    ResponseEntity<Void> open(@PathVariable String ticket, HttpServletRequest request) {
        GuestLinks links = signaling.guestLinks().orElseThrow(() -> new ApiException(ApiError.TEMPORARILY_UNAVAILABLE,
                "The service is starting. Try again in a moment."));
        GuestLinks.Use use = links.use(ticket, request.getRemoteAddr());
        if (use instanceof GuestLinks.Use.Admitted admitted) {
            return ResponseEntity.status(302).location(URI.create(admitted.roomUrl()))
                    .cacheControl(CacheControl.noStore()).build();
        }
        if (use instanceof GuestLinks.Use.AlreadyUsed) {
            throw new ApiException(ApiError.GUEST_LINK_USED,
                    "This invitation was already used. Ask the specialist for a new one.");
        }
        if (use instanceof GuestLinks.Use.Over) {
            throw new ApiException(ApiError.CONSULTATION_OVER, "The consultation is over.");
        }
        throw new ApiException(ApiError.GUEST_LINK_UNKNOWN, "No such invitation (it may have expired).");
    }
}
