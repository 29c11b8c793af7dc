package ma.tabiblink.web.signaling;

import java.util.List;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.ServletWebRequest;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import ma.tabiblink.web.account.CurrentUser;
import ma.tabiblink.web.account.Role;

/**
 * Live availability per specialty for the nurse's specialty buttons. Counts only, never who: the names of the
 * specialists on duty are the coordinators' board's business.
 */
@RestController
@RequestMapping("/api/v1/specialties/availability")
@Tag(name = "Calls", description = "Who can take an urgent call now, per specialty")
class SpecialtyAvailabilityController {

    private final SpecialtyAvailability availability;

    SpecialtyAvailabilityController(SpecialtyAvailability availability) {
        this.availability = availability;
    }

    @GetMapping
    @Operation(summary = "Specialists available and busy, and calls waiting, per specialty; why an uncovered one is "
            + "(nurses and coordinators)")
    List<SpecialtyAvailability.Specialty> availability(CurrentUser user, ServletWebRequest request) {
        user.requireRole(Role.NURSE, Role.COORDINATOR);
        List<SpecialtyAvailability.Specialty> now = availability.now();
        // Counts only, so the browser may keep it (unlike the rest of the API) and revalidate it each time: an
        // unchanged answer costs a 304 and no body on the nurse's link. The tag is the same on every node.
        request.getResponse().setHeader(HttpHeaders.CACHE_CONTROL, CacheControl.noCache().cachePrivate().getHeaderValue());
        String tag = '"' + Integer.toHexString(now.toString().hashCode()) + '"';
        return request.checkNotModified(tag) ? null : now;
    }
}
