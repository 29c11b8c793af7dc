package ma.tabiblink.web.records;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import ma.tabiblink.records.Records;
import ma.tabiblink.records.consultation.Consultation;
import ma.tabiblink.records.consultation.ConsultationMode;
import ma.tabiblink.records.consultation.ConsultationStatus;
import ma.tabiblink.records.note.NoteContent;
import ma.tabiblink.records.note.NoteSummary;
import ma.tabiblink.records.note.NoteView;
import ma.tabiblink.records.note.SignatureCheck;
import ma.tabiblink.records.note.SigningKey;
import ma.tabiblink.web.account.CurrentUser;
import ma.tabiblink.web.account.Role;
import ma.tabiblink.web.board.LiveBoard;
import ma.tabiblink.web.error.ApiError;
import ma.tabiblink.web.error.ApiException;

/** Consultations and their notes: write a draft, sign it, amend it (new version), read by version, break-glass. */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "Consultation notes", description = "Encrypted, signed and versioned consultation notes")
class NoteController {

    private final Records records;
    private final NoteMetrics metrics;
    private final LiveBoard board;

    NoteController(Records records, NoteMetrics metrics, LiveBoard board) {
        this.records = records;
        this.metrics = metrics;
        this.board = board;
    }

    record ConsultationChange(ConsultationStatus status, ConsultationMode mode) {
    }

    record BreakGlassRequest(String reason, Integer version) {
    }

    @GetMapping("/consultations/{id}")
    @Operation(summary = "A consultation (FHIR Encounter, class virtual)")
    Consultation consultation(CurrentUser user, HttpServletRequest http, @PathVariable String id) {
        return records.consultations().get(RecordsActors.of(user, http), id);
    }

    @PatchMapping("/consultations/{id}")
    @Operation(summary = "Move a consultation along (in-progress, finished, cancelled) or record a change of mode")
    Consultation update(CurrentUser user, HttpServletRequest http, @PathVariable String id,
                        @RequestBody ConsultationChange body) {
        return records.consultations().update(RecordsActors.of(user, http), id, body.status(), body.mode());
    }

    @GetMapping("/consultations/{id}/notes")
    @Operation(summary = "The consultation's note (metadata), if written")
    List<NoteSummary> consultationNotes(CurrentUser user, HttpServletRequest http, @PathVariable String id) {
        return records.notes().ofConsultation(RecordsActors.of(user, http), id);
    }

    @PostMapping("/consultations/{id}/notes")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Write the consultation's note as a draft (creates it, or replaces the pending draft)")
    NoteView writeDraft(CurrentUser user, HttpServletRequest http, @PathVariable String id,
                        @RequestBody NoteContent body) {
        user.requireRole(Role.SPECIALIST);
        return metrics.timed("write", () -> records.notes().writeDraft(RecordsActors.of(user, http), id, body));
    }

    @PostMapping("/notes/{id}/amendments")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Amend a signed note: a new version (draft until signed); older versions stay readable")
    NoteView amend(CurrentUser user, HttpServletRequest http, @PathVariable String id, @RequestBody NoteContent body) {
        user.requireRole(Role.SPECIALIST);
        return metrics.timed("amend", () -> records.notes().amend(RecordsActors.of(user, http), id, body));
    }

    @PostMapping("/notes/{id}/signature")
    @Operation(summary = "Sign the pending draft with the specialist's key (FHIR Provenance)")
    NoteView sign(CurrentUser user, HttpServletRequest http, @PathVariable String id) {
        user.requireRole(Role.SPECIALIST);
        return metrics.timed("sign", () -> records.notes().sign(RecordsActors.of(user, http), id));
    }

    @GetMapping("/notes/{id}/signature")
    @Operation(summary = "Verify the signature of a version against the signer's public key")
    SignatureCheck verify(CurrentUser user, HttpServletRequest http, @PathVariable String id,
                          @RequestParam int version) {
        return metrics.timed("verify",
                () -> records.notes().verifySignature(RecordsActors.of(user, http), id, version));
    }

    @GetMapping("/notes/{id}")
    @Operation(summary = "Read a note version (latest readable when no version): sections the reader may see only")
    NoteView read(CurrentUser user, HttpServletRequest http, @PathVariable String id,
                  @RequestParam(required = false) Integer version) {
        return metrics.timed("read", () -> records.notes().read(RecordsActors.of(user, http), id, version));
    }

    @PostMapping("/notes/{id}/break-glass")
    @Operation(summary = "Emergency access to a signed note (a specialist reads it whole, a nurse its care plan; never "
            + "a draft): a reason is required, the access is audited, rate-limited per user (429 "
            + "BREAK_GLASS_RATE_LIMITED) and raises an alert for administrators")
    NoteView breakGlass(CurrentUser user, HttpServletRequest http, @PathVariable String id,
                        @RequestBody BreakGlassRequest body) {
        user.requireRole(Role.SPECIALIST, Role.NURSE);
        NoteView view = metrics.timed("break-glass",
                () -> records.notes().breakGlass(RecordsActors.of(user, http), id, body.version(), body.reason()));
        board.changed();
        return view;
    }

    @GetMapping("/specialists/{id}/signing-key")
    @Operation(summary = "A specialist's public signing key (Ed25519, X.509 SubjectPublicKeyInfo in base64)")
    SigningKey signingKey(CurrentUser user, @PathVariable String id) {
        return records.signingKeys().publicKey(id).orElseThrow(() -> new ApiException(ApiError.SIGNING_KEY_NOT_FOUND,
                "This specialist has not signed a note yet."));
    }
}
