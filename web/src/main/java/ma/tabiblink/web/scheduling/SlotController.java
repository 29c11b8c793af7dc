package ma.tabiblink.web.scheduling;

import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import ma.tabiblink.scheduler.availability.SlotFinder;
import ma.tabiblink.scheduler.availability.SlotQuery;
import ma.tabiblink.web.account.CurrentUser;
import ma.tabiblink.web.error.ApiError;
import ma.tabiblink.web.error.ApiException;
import ma.tabiblink.web.scheduling.Views.SlotView;

@RestController
@RequestMapping("/api/v1")
@Tag(name = "Scheduling: slots", description = "Free consultation slots from the availability rules minus holds and bookings")
class SlotController {

    private final SlotFinder slots;

    SlotController(SlotFinder slots) {
        this.slots = slots;
    }

    @GetMapping("/slots")
    @Operation(summary = "Free future slots of a specialty and/or a specialist between two dates (inclusive, each "
            + "specialist's local dates, at most 62 days); at most 'limit' (1 to 1000, default 200), soonest first")
    List<SlotView> search(CurrentUser user,
                          @RequestParam(required = false) String specialty,
                          @RequestParam(required = false) String specialist,
                          @RequestParam(required = false) String from,
                          @RequestParam(required = false) String to,
                          @RequestParam(defaultValue = "200") int limit) {
        if (limit < 1 || limit > SlotQuery.MAX_LIMIT) {
            // Refused rather than clamped: a caller asking for "all" (0, -1) or a million learns the real bound.
            throw new ApiException(ApiError.INVALID_LIMIT, "'limit' must be between 1 and " + SlotQuery.MAX_LIMIT
                    + " (default 200).");
        }
        SlotQuery query = new SlotQuery(blankToNull(specialty), blankToNull(specialist),
                RequestValues.date("from", from), RequestValues.date("to", to), limit);
        return slots.search(query).stream().map(SlotView::of).toList();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
