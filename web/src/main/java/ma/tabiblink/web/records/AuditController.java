package ma.tabiblink.web.records;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import ma.tabiblink.records.Records;
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
    @Operation(summary = "Walk the audit chain and report the first edited, deleted or missing entry")
    ChainVerification verify(CurrentUser user, HttpServletRequest http) {
        user.requireRole(Role.ADMIN);
        return records.keyOperations().verifyAudit(RecordsActors.of(user, http));
    }

    @GetMapping(value = "/events", produces = {"application/fhir+json", "application/json"})
    @Operation(summary = "Audit entries as a FHIR R4 Bundle of AuditEvent, oldest first, after a stream id")
    ResponseEntity<String> events(CurrentUser user, HttpServletRequest http,
                                  @RequestParam(required = false) String after,
                                  @RequestParam(defaultValue = "100") int limit) {
        user.requireRole(Role.ADMIN);
        var bundle = records.fhir().auditBundle(RecordsActors.of(user, http), after, limit);
        return ResponseEntity.ok().header("Content-Type", "application/fhir+json").body(records.fhir().encode(bundle));
    }
}
