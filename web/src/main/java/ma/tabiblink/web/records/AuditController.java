package ma.tabiblink.web.records;

import java.util.List;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.constraints.Size;
import ma.tabiblink.records.Records;
import ma.tabiblink.records.audit.AuditCheckpoint;
import ma.tabiblink.records.audit.ChainVerification;
import ma.tabiblink.web.account.CurrentUser;
import ma.tabiblink.web.account.Role;

/** The records audit log for administrators: chain verification and export as FHIR AuditEvent. */
@RestController
@RequestMapping("/api/v1/audit")
@Tag(name = "Audit", description = "Hash-chained audit log of every access to patient records")
class AuditController {

    private final Records records;

    AuditController(Records records) {
        this.records = records;
    }

    @PostMapping("/verify")
    @Operation(summary = "Walk the audit chain and report the first edited, deleted or missing entry; with "
            + "checkpoints kept off the server, also prove that no entry they vouch for was changed or deleted")
    ChainVerification verify(CurrentUser user, HttpServletRequest http,
                             @RequestBody(required = false) VerifyRequest request) {
        user.requireRole(Role.ADMIN);
        List<AuditCheckpoint> checkpoints = request == null || request.checkpoints() == null ? List.of()
                : request.checkpoints().stream().map(AuditCheckpoint::parse).toList();
        return records.keyOperations().verifyAudit(RecordsActors.of(user, http), checkpoints);
    }

    @GetMapping("/checkpoint")
    @Operation(summary = "A signed checkpoint of the verified audit chain (its line form is what audit-verify takes); "
            + "keep it off the server")
    CheckpointView checkpoint(CurrentUser user, HttpServletRequest http) {
        user.requireRole(Role.ADMIN);
        return CheckpointView.of(records.keyOperations().auditCheckpoint(RecordsActors.of(user, http)));
    }

    /** @param checkpoints checkpoint lines as {@code GET /checkpoint} and {@code keys audit-checkpoint} give them */
    record VerifyRequest(@Size(max = 1000) List<@Size(max = 300) String> checkpoints) {
    }

    record CheckpointView(long seq, String hash, String at, String mac, String line) {
        static CheckpointView of(AuditCheckpoint c) {
            return new CheckpointView(c.seq(), c.hash(), c.at().toString(), c.mac(), c.toLine());
        }
    }

    @GetMapping(value = "/events", produces = {"application/fhir+json", "application/json"})
    @Operation(summary = "Audit entries as a FHIR R4 Bundle of AuditEvent, oldest first, after a stream id")
    @ApiResponse(responseCode = "200", description = "FHIR R4 Bundle of AuditEvent", content = @Content(
            mediaType = "application/fhir+json", schema = @Schema(type = "object", description = "resourceType Bundle")))
    ResponseEntity<String> events(CurrentUser user, HttpServletRequest http,
                                  @RequestParam(required = false) String after,
                                  @RequestParam(defaultValue = "100") int limit) {
        user.requireRole(Role.ADMIN);
        String json = records.fhir().auditBundle(RecordsActors.of(user, http), after, limit).json();
        return ResponseEntity.ok().header("Content-Type", "application/fhir+json").body(json);
    }
}
