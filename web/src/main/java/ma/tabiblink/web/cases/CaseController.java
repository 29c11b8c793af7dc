package ma.tabiblink.web.cases;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

import org.springframework.http.CacheControl;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import ma.tabiblink.records.Records;
import ma.tabiblink.records.cases.AttachmentBytes;
import ma.tabiblink.records.cases.AttachmentInfo;
import ma.tabiblink.records.cases.AttachmentKind;
import ma.tabiblink.records.cases.CaseSummary;
import ma.tabiblink.records.cases.CaseUrgency;
import ma.tabiblink.records.cases.Cases;
import ma.tabiblink.records.cases.NewCase;
import ma.tabiblink.records.cases.TeleExpertiseCase;
import ma.tabiblink.records.cases.Vitals;
import ma.tabiblink.scheduler.Actor;
import ma.tabiblink.scheduler.ActorRole;
import ma.tabiblink.scheduler.ErrorCode;
import ma.tabiblink.scheduler.SchedulingException;
import ma.tabiblink.scheduler.booking.Appointment;
import ma.tabiblink.scheduler.booking.BookingRequest;
import ma.tabiblink.scheduler.booking.BookingService;
import ma.tabiblink.web.account.AccountRepository;
import ma.tabiblink.web.account.CurrentUser;
import ma.tabiblink.web.account.Role;
import ma.tabiblink.web.error.ApiError;
import ma.tabiblink.web.error.ApiException;
import ma.tabiblink.web.records.RecordsActors;

/**
 * Store-and-forward tele-expertise over REST: the nurse's tablet creates a case, uploads its photos and voice note in
 * resumable chunks and sends it; specialists take cases from their specialty's inbox, ask for more and answer with
 * the signed note of the case's consultation; coordinators follow overdue cases. The rules live in the records
 * module; the roles are checked here too.
 */
@RestController
@RequestMapping("/api/v1/cases")
@Tag(name = "Cases", description = "Store-and-forward tele-expertise: a nurse's question, vitals, photos and voice "
        + "note to a specialty, answered with a signed note")
class CaseController {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final Records records;
    private final AccountRepository accounts;
    private final CaseNotifications notifications;
    private final BookingService bookings;

    CaseController(Records records, AccountRepository accounts, CaseNotifications notifications,
                   BookingService bookings) {
        this.records = records;
        this.accounts = accounts;
        this.notifications = notifications;
        this.bookings = bookings;
    }

    private CaseSummary changed(CaseSummary summary, boolean tellTheNurse) {
        return notifications.changed(summary, tellTheNurse);
    }

    record CreateCase(String patientId, String specialty, String question, Vitals vitals, CaseUrgency urgency) {
    }

    record BeginAttachment(AttachmentKind kind, Long bytes) {
    }

    record Text(String text) {
    }

    record ConsultationSlot(String start) {
    }

    /** The consultation booked from a case, and the case with it recorded. */
    record ConsultationBooked(String appointmentId, Instant start, Instant end, String zone, CaseSummary caseSummary) {
    }

    private Cases cases() {
        return records.cases();
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Write a case about a patient of the nurse's dispensary (a draft until sent). Header "
            + "Idempotency-Key is required: a retry with the same key returns the same case")
    TeleExpertiseCase create(CurrentUser user, HttpServletRequest http,
                             @RequestHeader(IDEMPOTENCY_KEY) String idempotencyKey, @RequestBody CreateCase body) {
        user.requireRole(Role.NURSE);
        if (body.specialty() != null && !accounts.specialties().contains(body.specialty())) {
            throw new ApiException(ApiError.UNKNOWN_SPECIALTY, "No specialty " + body.specialty()
                    + " is offered here; see /api/v1/admin/specialties");
        }
        return cases().create(RecordsActors.of(user, http), new NewCase(body.patientId(), body.specialty(),
                body.question(), body.vitals(), body.urgency(), idempotencyKey));
    }

    @GetMapping("/{id}")
    @Operation(summary = "A case with its question, vitals, messages and attachments (audited)")
    TeleExpertiseCase get(CurrentUser user, HttpServletRequest http, @PathVariable String id) {
        user.requireRole(Role.NURSE, Role.SPECIALIST);
        return cases().get(RecordsActors.of(user, http), id);
    }

    @GetMapping(value = "/{id}/fhir", produces = {"application/fhir+json", "application/json"})
    @Operation(summary = "The case as a FHIR R4 Bundle: ServiceRequest, vital-signs Observations, Media, Communication "
            + "(audited)")
    @ApiResponse(responseCode = "200", description = "FHIR R4 Bundle (type collection) of the case", content = @Content(
            mediaType = "application/fhir+json", schema = @Schema(type = "object", description = "resourceType Bundle")))
    ResponseEntity<String> fhir(CurrentUser user, HttpServletRequest http, @PathVariable String id) {
        user.requireRole(Role.NURSE, Role.SPECIALIST);
        String json = records.caseFhir().exportCaseJson(RecordsActors.of(user, http), id);
        return ResponseEntity.ok().header("Content-Type", "application/fhir+json").body(json);
    }

    @GetMapping
    @Operation(summary = "A dispensary's cases, newest first (nurses: their own dispensary by default; coordinators): "
            + "what the tablet syncs to learn of answers and requests")
    List<CaseSummary> ofDispensary(CurrentUser user, HttpServletRequest http,
                                   @RequestParam(required = false) String dispensaryId,
                                   @RequestParam(defaultValue = "100") int limit) {
        user.requireRole(Role.NURSE, Role.COORDINATOR);
        String dispensary = dispensaryId != null ? dispensaryId : user.dispensaryId();
        if (dispensary == null) {
            throw new ApiException(ApiError.MISSING_PARAMETER, "Give dispensaryId.");
        }
        return cases().ofDispensary(RecordsActors.of(user, http), dispensary, limit);
    }

    @PostMapping("/{id}/attachments")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Begin uploading a photo (JPEG or PNG, up to 6) or a voice note (WebM or Ogg, one) of the "
            + "given size. Header Idempotency-Key is required: the same key finds the same upload and where it stands")
    AttachmentInfo beginAttachment(CurrentUser user, HttpServletRequest http, @PathVariable String id,
                                   @RequestHeader(IDEMPOTENCY_KEY) String idempotencyKey,
                                   @RequestBody BeginAttachment body) {
        user.requireRole(Role.NURSE);
        return cases().beginAttachment(RecordsActors.of(user, http), id, body.kind(),
                body.bytes() == null ? 0 : body.bytes(), idempotencyKey);
    }

    @PutMapping(path = "/{id}/attachments/{attachmentId}", consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    @Operation(summary = "Send the chunk of an attachment that starts at offset (32-256 KB, the last one shorter). "
            + "UPLOAD_OFFSET_MISMATCH names where the upload stands; the last chunk completes it: its type is "
            + "checked on the content and a photo's metadata removed")
    AttachmentInfo appendChunk(CurrentUser user, HttpServletRequest http, @PathVariable String id,
                               @PathVariable String attachmentId, @RequestParam long offset,
                               @RequestBody byte[] chunk) {
        user.requireRole(Role.NURSE);
        return cases().appendChunk(RecordsActors.of(user, http), id, attachmentId, offset, chunk);
    }

    @GetMapping("/{id}/attachments/{attachmentId}/progress")
    @Operation(summary = "Where an upload stands, to resume it after a cut")
    AttachmentInfo progress(CurrentUser user, HttpServletRequest http, @PathVariable String id,
                            @PathVariable String attachmentId) {
        user.requireRole(Role.NURSE);
        return cases().attachmentProgress(RecordsActors.of(user, http), id, attachmentId);
    }

    @GetMapping("/{id}/attachments/{attachmentId}")
    @Operation(summary = "A complete attachment's content, metadata removed (audited)", responses = @ApiResponse(
            responseCode = "200", description = "The photo or voice note", content = {
                    @Content(mediaType = "image/jpeg", schema = @Schema(type = "string", format = "binary")),
                    @Content(mediaType = "image/png", schema = @Schema(type = "string", format = "binary")),
                    @Content(mediaType = "audio/webm", schema = @Schema(type = "string", format = "binary")),
                    @Content(mediaType = "audio/ogg", schema = @Schema(type = "string", format = "binary"))}))
    ResponseEntity<byte[]> attachment(CurrentUser user, HttpServletRequest http, @PathVariable String id,
                                      @PathVariable String attachmentId) {
        user.requireRole(Role.NURSE, Role.SPECIALIST);
        AttachmentBytes a = cases().attachment(RecordsActors.of(user, http), id, attachmentId);
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType(a.mediaType()))
                .cacheControl(CacheControl.noStore())
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.inline().filename(a.id()).build().toString())
                .body(a.content());
    }

    @PostMapping("/{id}/submit")
    @Operation(summary = "Send the case to its specialty's inbox; refused (UPLOAD_INCOMPLETE) while an upload is "
            + "unfinished")
    CaseSummary submit(CurrentUser user, HttpServletRequest http, @PathVariable String id) {
        user.requireRole(Role.NURSE);
        return changed(cases().submit(RecordsActors.of(user, http), id), false);
    }

    @PostMapping("/{id}/information")
    @Operation(summary = "The nurse's reply to the specialist's request for information; the case goes back to them")
    CaseSummary provideInformation(CurrentUser user, HttpServletRequest http, @PathVariable String id,
                                   @RequestBody Text body) {
        user.requireRole(Role.NURSE);
        return changed(cases().provideInformation(RecordsActors.of(user, http), id, body.text()), false);
    }

    @GetMapping("/inbox")
    @Operation(summary = "A specialty's sent, unclaimed cases, most urgent first then oldest (its specialists)")
    List<CaseSummary> inbox(CurrentUser user, HttpServletRequest http, @RequestParam String specialty,
                            @RequestParam(defaultValue = "100") int limit) {
        user.requireRole(Role.SPECIALIST);
        return cases().inbox(RecordsActors.of(user, http), specialty, limit);
    }

    @GetMapping("/claimed")
    @Operation(summary = "The cases the signed-in specialist claimed, answered ones included")
    List<CaseSummary> claimed(CurrentUser user, HttpServletRequest http,
                              @RequestParam(defaultValue = "100") int limit) {
        user.requireRole(Role.SPECIALIST);
        return cases().claimedBy(RecordsActors.of(user, http), limit);
    }

    @PostMapping("/{id}/claim")
    @Operation(summary = "Claim a sent case so that no other specialist answers it (CASE_ALREADY_CLAIMED when "
            + "someone was first); opens the case's consultation for the claimer")
    TeleExpertiseCase claim(CurrentUser user, HttpServletRequest http, @PathVariable String id) {
        user.requireRole(Role.SPECIALIST);
        TeleExpertiseCase claimed = cases().claim(RecordsActors.of(user, http), id);
        changed(claimed.summary(), false);
        return claimed;
    }

    @PostMapping("/{id}/information-requests")
    @Operation(summary = "The claimer asks the nurse for more information; the case goes back to her")
    CaseSummary requestInformation(CurrentUser user, HttpServletRequest http, @PathVariable String id,
                                   @RequestBody Text body) {
        user.requireRole(Role.SPECIALIST);
        return changed(cases().requestInformation(RecordsActors.of(user, http), id, body.text()), true);
    }

    @PostMapping("/{id}/consultation")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "The claimer books a free slot of their own calendar (its start) for the case's patient and "
            + "dispensary; the case records it for the nurse and stays claimed. Header Idempotency-Key is required: "
            + "a retry with the same key returns the same appointment. A taken slot answers 409 SLOT_TAKEN")
    ConsultationBooked bookConsultation(CurrentUser user, HttpServletRequest http, @PathVariable String id,
                                        @RequestHeader(IDEMPOTENCY_KEY) String idempotencyKey,
                                        @RequestBody ConsultationSlot body) {
        user.requireRole(Role.SPECIALIST);
        Instant start = startOf(body);
        var actor = RecordsActors.of(user, http);
        CaseSummary c = cases().claimedForFollowUp(actor, id);
        Appointment appointment = bookings.bookOwnSlot(new Actor(user.id(), ActorRole.SPECIALIST, null),
                new BookingRequest(user.id(), c.specialty(), start, c.patientId(), c.dispensaryId()), idempotencyKey);
        String local = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").format(appointment.start()
                .atZone(appointment.zone()));
        CaseSummary recorded = cases().recordConsultation(actor, id, appointment.id(), appointment.start(),
                "Consultation booked for " + local + " (" + appointment.zone().getId() + "), appointment "
                        + appointment.id());
        changed(recorded, true);
        return new ConsultationBooked(appointment.id(), appointment.start(), appointment.end(),
                appointment.zone().getId(), recorded);
    }

    @PostMapping("/{id}/call-request")
    @Operation(summary = "The claimer asks the nurse for a live call now: recorded on the case, shown on her list "
            + "with a button that starts the urgent call to the case's specialty; the case stays claimed")
    CaseSummary requestCall(CurrentUser user, HttpServletRequest http, @PathVariable String id) {
        user.requireRole(Role.SPECIALIST);
        return changed(cases().requestCall(RecordsActors.of(user, http), id), true);
    }

    @PostMapping("/{id}/answer")
    @Operation(summary = "Close the case with the signed note of its consultation (CASE_ANSWER_NOT_SIGNED before)")
    CaseSummary answer(CurrentUser user, HttpServletRequest http, @PathVariable String id) {
        user.requireRole(Role.SPECIALIST);
        return changed(cases().answer(RecordsActors.of(user, http), id), true);
    }

    @GetMapping("/overdue")
    @Operation(summary = "Sent cases past their due time and unanswered, most overdue first (coordinators)")
    List<CaseSummary> overdue(CurrentUser user, HttpServletRequest http,
                              @RequestParam(defaultValue = "100") int limit) {
        user.requireRole(Role.COORDINATOR);
        return cases().overdue(RecordsActors.of(user, http), limit);
    }

    @PostMapping("/{id}/release")
    @Operation(summary = "Hand a claimed case back to its specialty's inbox (coordinators); its consultation is "
            + "cancelled")
    CaseSummary release(CurrentUser user, HttpServletRequest http, @PathVariable String id) {
        user.requireRole(Role.COORDINATOR);
        return changed(cases().release(RecordsActors.of(user, http), id), false);
    }

    private static Instant startOf(ConsultationSlot body) {
        if (body == null || body.start() == null || body.start().isBlank()) {
            throw new SchedulingException(ErrorCode.INVALID_DATE, "'start' is required (ISO-8601 date-time).");
        }
        try {
            return OffsetDateTime.parse(body.start().strip()).toInstant();
        } catch (DateTimeException e) {
            throw new SchedulingException(ErrorCode.INVALID_DATE,
                    "'start' must be an ISO-8601 date-time with offset, e.g. 2026-04-06T09:00:00+01:00.");
        }
    }
}
