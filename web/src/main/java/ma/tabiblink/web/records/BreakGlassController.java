package ma.tabiblink.web.records;

import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import ma.tabiblink.records.Records;
import ma.tabiblink.records.breakglass.BreakGlassAccess;
import ma.tabiblink.web.account.CurrentUser;
import ma.tabiblink.web.account.Role;
import ma.tabiblink.web.board.LiveBoard;

/** The administrators' review of emergency (break-glass) accesses: list them, and close each alert with a note. */
@RestController
@RequestMapping("/api/v1/admin/break-glass")
@Tag(name = "Audit", description = "Hash-chained audit log of every access to patient records")
class BreakGlassController {

    private final Records records;
    private final LiveBoard board;

    BreakGlassController(Records records, LiveBoard board) {
        this.records = records;
        this.board = board;
    }

    record Review(String note) {
    }

    @GetMapping
    @Operation(summary = "Emergency accesses, newest first (administrators; audited): who read which note of which "
            + "patient, from where, when, why, and the review; open=true for those not reviewed yet")
    List<BreakGlassAccess> list(CurrentUser user, HttpServletRequest http,
                                @RequestParam(defaultValue = "false") boolean open,
                                @RequestParam(defaultValue = "100") int limit) {
        user.requireRole(Role.ADMIN);
        return records.breakGlass().list(RecordsActors.of(user, http), open, limit);
    }

    @PostMapping("/{id}/review")
    @Operation(summary = "Mark an emergency access reviewed with the administrator's conclusion; its alert closes")
    BreakGlassAccess review(CurrentUser user, HttpServletRequest http, @PathVariable String id,
                            @RequestBody Review body) {
        user.requireRole(Role.ADMIN);
        BreakGlassAccess reviewed = records.breakGlass().review(RecordsActors.of(user, http), id,
                body == null ? null : body.note());
        board.changed();
        return reviewed;
    }
}
