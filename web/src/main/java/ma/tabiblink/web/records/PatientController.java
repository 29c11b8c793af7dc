package ma.tabiblink.web.records;

import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.springframework.http.HttpStatus;
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
import ma.tabiblink.records.consultation.Consultation;
import ma.tabiblink.records.consultation.ConsultationMode;
import ma.tabiblink.records.consultation.ConsultationOrigin;
import ma.tabiblink.records.consultation.OpenConsultation;
import ma.tabiblink.records.note.NoteSummary;
import ma.tabiblink.records.patient.IdentifierType;
import ma.tabiblink.records.patient.NewPatient;
import ma.tabiblink.records.patient.Patient;
import ma.tabiblink.records.patient.Sex;
import ma.tabiblink.scheduler.ErrorCode;
import ma.tabiblink.scheduler.SchedulingException;
import ma.tabiblink.scheduler.booking.Appointment;
import ma.tabiblink.scheduler.booking.AppointmentStatus;
import ma.tabiblink.scheduler.booking.BookingService;
import ma.tabiblink.web.account.CurrentUser;
import ma.tabiblink.web.account.Role;
import ma.tabiblink.web.error.ApiError;
import ma.tabiblink.web.error.ApiException;

/** Patients: registration by the dispensary's nurse, search, consultations, notes list and FHIR export. */
@RestController
@RequestMapping("/api/v1/patients")
@Tag(name = "Patients", description = "Patient records: demographics encrypted at rest, consultations, FHIR export")
class PatientController {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    /** Appointments whose consultation may be opened: booked, the patient arrived, or already held. */
    private static final Set<AppointmentStatus> OPENABLE = EnumSet.of(AppointmentStatus.BOOKED,
            AppointmentStatus.ARRIVED, AppointmentStatus.FULFILLED);

    private final Records records;
    private final BookingService bookings;

    PatientController(Records records, BookingService bookings) {
        this.records = records;
        this.bookings = bookings;
    }

    record RegisterPatient(String fullName, LocalDate birthDate, Integer birthYear, Sex sex, String dispensaryId,
                           String preferredLanguage, String nationalId, String insuranceNumber,
                           boolean teleconsultationConsent, boolean confirmedDistinct) {
    }

    record ConsentChange(Boolean teleconsultation) {
    }

    record OpenConsultationRequest(ConsultationOrigin origin, String originRef, String specialistId, String nurseId,
                                   ConsultationMode mode, Instant plannedStart) {
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Register a patient of the nurse's dispensary (consent to teleconsultation recorded). With "
            + "header Idempotency-Key, a retry of the same request by the same user answers 201 with the same patient "
            + "(for 14 days); the key with another request is IDEMPOTENCY_KEY_REUSED (422). A national ID or insurance "
            + "number already registered is PATIENT_DUPLICATE (409); a patient of the dispensary with the same name "
            + "and birth year is PATIENT_POSSIBLE_DUPLICATE (409) unless confirmedDistinct is true. Both list in "
            + "details the existing patients the nurse may see (id, fullName, birthYear), never another "
            + "dispensary's.")
    Patient register(CurrentUser user, HttpServletRequest http,
                     @RequestHeader(value = IDEMPOTENCY_KEY, required = false) String idempotencyKey,
                     @RequestBody RegisterPatient body) {
        user.requireRole(Role.NURSE);
        String dispensary = body.dispensaryId() == null ? user.dispensaryId() : body.dispensaryId();
        return records.patients().register(RecordsActors.of(user, http), new NewPatient(body.fullName(),
                body.birthDate(), body.birthYear(), body.sex(), dispensary, body.preferredLanguage(),
                body.nationalId(), body.insuranceNumber(), body.teleconsultationConsent()), idempotencyKey,
                body.confirmedDistinct());
    }

    @GetMapping
    @Operation(summary = "Search patients: of a dispensary by name (nurses default to their own), or by national ID"
            + " or insurance number")
    List<Patient> search(CurrentUser user, HttpServletRequest http,
                         @RequestParam(required = false) String dispensaryId,
                         @RequestParam(required = false) String q,
                         @RequestParam(required = false) String nationalId,
                         @RequestParam(required = false) String insuranceNumber,
                         @RequestParam(defaultValue = "50") int limit) {
        user.requireRole(Role.NURSE, Role.SPECIALIST, Role.COORDINATOR);
        var actor = RecordsActors.of(user, http);
        if (nationalId != null && !nationalId.isBlank()) {
            return List.of(records.patients().findByIdentifier(actor, IdentifierType.NATIONAL_ID, nationalId));
        }
        if (insuranceNumber != null && !insuranceNumber.isBlank()) {
            return List.of(records.patients().findByIdentifier(actor, IdentifierType.INSURANCE_NUMBER, insuranceNumber));
        }
        String dispensary = dispensaryId != null ? dispensaryId : user.dispensaryId();
        if (dispensary == null) {
            throw new ApiException(ApiError.MISSING_PARAMETER, "Give dispensaryId, nationalId or insuranceNumber.");
        }
        return records.patients().ofDispensary(actor, dispensary, q, limit);
    }

    @GetMapping("/{id}")
    @Operation(summary = "A patient's demographics (audited)")
    Patient get(CurrentUser user, HttpServletRequest http, @PathVariable String id) {
        return records.patients().get(RecordsActors.of(user, http), id);
    }

    @PutMapping("/{id}/consent")
    @Operation(summary = "Record the patient's consent to teleconsultation (or its withdrawal): a nurse of the "
            + "patient's dispensary, who heard it from the patient")
    Patient consent(CurrentUser user, HttpServletRequest http, @PathVariable String id, @RequestBody ConsentChange body) {
        user.requireRole(Role.NURSE);
        if (body.teleconsultation() == null) {
            throw new ApiException(ApiError.VALIDATION_FAILED, "teleconsultation (true or false) is required.");
        }
        return records.patients().recordConsent(RecordsActors.of(user, http), id, body.teleconsultation());
    }

    @GetMapping("/{id}/consultations")
    @Operation(summary = "The patient's consultations (FHIR Encounters), oldest first")
    List<Consultation> consultations(CurrentUser user, HttpServletRequest http, @PathVariable String id) {
        return records.consultations().ofPatient(RecordsActors.of(user, http), id);
    }

    @PostMapping("/{id}/consultations")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Open a consultation for an appointment or an urgent call (gives the specialist access;"
            + " idempotent per appointment or call). For an appointment, specialist and start come from the booked"
            + " appointment itself (originRef), never from the request.")
    Consultation open(CurrentUser user, HttpServletRequest http, @PathVariable String id,
                      @RequestBody OpenConsultationRequest body) {
        user.requireRole(Role.NURSE, Role.COORDINATOR);
        String nurse = body.nurseId() == null && user.is(Role.NURSE) ? user.id() : body.nurseId();
        if (body.origin() == ConsultationOrigin.APPOINTMENT) {
            Appointment appointment = bookedAppointment(user, id, body.originRef());
            return records.openConsultation(RecordsActors.of(user, http), new OpenConsultation(id,
                    ConsultationOrigin.APPOINTMENT, appointment.id(), appointment.specialistId(),
                    user.is(Role.NURSE) ? user.id() : null, body.mode(), appointment.start()));
        }
        return records.openConsultation(RecordsActors.of(user, http), new OpenConsultation(id, body.origin(),
                body.originRef(), body.specialistId(), nurse, body.mode(), body.plannedStart()));
    }

    /** The booked appointment a consultation is opened for: of this patient, of the nurse's dispensary, still on. */
    private Appointment bookedAppointment(CurrentUser user, String patientId, String appointmentId) {
        Appointment a = appointmentId == null || appointmentId.isBlank() ? null
                : bookings.find(appointmentId).orElse(null);
        if (a == null) {
            throw new SchedulingException(ErrorCode.UNKNOWN_APPOINTMENT, "No appointment with this id (originRef).");
        }
        if (user.is(Role.NURSE) && !a.dispensaryId().equals(user.dispensaryId())) {
            throw new SchedulingException(ErrorCode.NOT_YOUR_APPOINTMENT,
                    "This appointment belongs to another dispensary.");
        }
        if (!patientId.equals(a.patientRef())) {
            throw new ApiException(ApiError.APPOINTMENT_OF_ANOTHER_PATIENT, "This appointment is for another patient.");
        }
        if (!OPENABLE.contains(a.status()) || a.specialistId() == null) {
            throw new ApiException(ApiError.APPOINTMENT_NOT_BOOKED,
                    "Only a booked appointment opens a consultation (this one is " + a.status().code() + ").");
        }
        return a;
    }

    @GetMapping("/{id}/notes")
    @Operation(summary = "The patient's notes, metadata only")
    List<NoteSummary> notes(CurrentUser user, HttpServletRequest http, @PathVariable String id) {
        return records.notes().ofPatient(RecordsActors.of(user, http), id);
    }

    @GetMapping(value = "/{id}/fhir", produces = {"application/fhir+json", "application/json"})
    @Operation(summary = "The patient's record as a FHIR R4 Bundle: Patient, Encounter, DocumentReference, Provenance")
    @ApiResponse(responseCode = "200", description = "FHIR R4 Bundle (type collection) of the patient", content = @Content(
            mediaType = "application/fhir+json", schema = @Schema(type = "object", description = "resourceType Bundle")))
    ResponseEntity<String> fhir(CurrentUser user, HttpServletRequest http, @PathVariable String id) {
        user.requireRole(Role.SPECIALIST);
        String json = records.fhir().patientBundleJson(RecordsActors.of(user, http), id);
        return ResponseEntity.ok().header("Content-Type", "application/fhir+json").body(json);
    }
}
