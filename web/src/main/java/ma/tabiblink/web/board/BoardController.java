package ma.tabiblink.web.board;

import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import ma.tabiblink.web.account.CurrentUser;
import ma.tabiblink.web.account.Role;

@RestController
@RequestMapping("/api/v1/board")
@Tag(name = "Live board", description = "The coordinators' live board; pushed live over the WebSocket "
        + "/board?ticket= (docs/protocol.md)")
class BoardController {

    private final LiveBoard board;

    BoardController(LiveBoard board) {
        this.board = board;
    }

    @GetMapping
    @Operation(summary = "The current board snapshot (online staff, queues, calls in progress, today's bookings; "
            + "for administrators also the open alerts of emergency accesses)")
    Map<String, Object> snapshot(CurrentUser user) {
        user.requireRole(Role.COORDINATOR, Role.ADMIN);
        return board.snapshot(user.role());
    }
}
