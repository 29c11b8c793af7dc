package ma.tabiblink.web.scheduling;

import java.time.LocalDate;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import ma.tabiblink.scheduler.ErrorCode;
import ma.tabiblink.scheduler.SchedulingException;
import ma.tabiblink.scheduler.booking.Appointment;
import ma.tabiblink.scheduler.booking.BookingRequest;
import ma.tabiblink.scheduler.booking.BookingService;
import ma.tabiblink.web.account.CurrentUser;
import ma.tabiblink.web.account.Role;
import ma.tabiblink.web.config.TabibSettings;
import ma.tabiblink.web.error.ApiError;
import ma.tabiblink.web.error.ApiException;
import ma.tabiblink.web.scheduling.Views.AppointmentView;

@RestController
@RequestMapping("/api/v1")
@Tag(name = "Scheduling: appointments", description = "Hold, confirm, book, reschedule, cancel, check in, fulfil, no-show")
class AppointmentController {

    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    record BookingBody(String specialistId, String specialty, String start, String patientRef, String dispensaryId) {
    }

    record RescheduleBody(String specialistId, String start) {
    }

    record ReasonBody(String reason) {
    }

    private final BookingService bookings;
    private final BookablePatients patients;
    private final TabibSettings settings;

    AppointmentController(BookingService bookings, BookablePatients patients, TabibSettings settings) {
        this.bookings = bookings;
        this.patients = patients;
        this.settings = settings;
    }

    @PostMapping("/holds")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Hold a slot (busy-tentative) for a few minutes; confirm it to book (coordinator). "
            + "A retry with the same Idempotency-Key returns the same hold. The patient must be registered at the "
            + "dispensary (404 UNKNOWN_PATIENT, 409 PATIENT_OF_ANOTHER_DISPENSARY).")
    AppointmentView hold(CurrentUser user, @RequestBody BookingBody body,
                         @Parameter(description = "unique per booking attempt, reused on retries")
                         @RequestHeader(value = IDEMPOTENCY_KEY, required = false) String idempotencyKey) {
        return AppointmentView.of(bookings.hold(RequestValues.actor(user), checked(user, body), idempotencyKey));
    }

    @PostMapping("/holds/{id}/confirm")
    @Operation(summary = "Confirm a hold before it lapses (coordinator)")
    AppointmentView confirm(CurrentUser user, @PathVariable String id) {
        return AppointmentView.of(bookings.confirm(RequestValues.actor(user), id));
    }

    @PostMapping("/appointments")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Book a slot directly (coordinator). Header Idempotency-Key is required: a retry with the "
            + "same key returns the same appointment. A taken slot answers 409 SLOT_TAKEN with details.nextFreeSlots. "
            + "The patient must be registered at the dispensary: 404 UNKNOWN_PATIENT, 409 "
            + "PATIENT_OF_ANOTHER_DISPENSARY, 410 PATIENT_ERASED.")
    AppointmentView book(CurrentUser user, @RequestBody BookingBody body,
                         @Parameter(description = "unique per booking attempt, reused on retries", required = true)
                         @RequestHeader(value = IDEMPOTENCY_KEY, required = false) String idempotencyKey) {
        return AppointmentView.of(bookings.book(RequestValues.actor(user), checked(user, body), idempotencyKey));
    }

    @GetMapping("/appointments/{id}")
    @Operation(summary = "One appointment with its history (coordinators, admins, its dispensary's nurses, its specialist)")
    AppointmentView get(CurrentUser user, @PathVariable String id) {
        Appointment appointment = bookings.require(id);
        requireCanSee(user, appointment);
        return AppointmentView.of(appointment, bookings.history(id));
    }

    @GetMapping("/appointments")
    @Operation(summary = "Appointments starting on a date (local to the deployment's zone), optionally of one "
            + "dispensary or specialist; nurses see their dispensary's, specialists their own")
    List<AppointmentView> list(CurrentUser user, @RequestParam(required = false) String date,
                               @RequestParam(required = false) String dispensary,
                               @RequestParam(required = false) String specialist) {
        LocalDate day = RequestValues.date("date", date);
        List<Appointment> found;
        if (user.is(Role.NURSE)) {
            if (dispensary != null && !dispensary.equals(user.dispensaryId())) {
                throw new ApiException(ApiError.NOT_YOUR_DISPENSARY,
                        "Nurses see their own dispensary's appointments only.");
            }
            found = bookings.forDispensary(user.dispensaryId(), day, settings.zone());
        } else if (user.is(Role.SPECIALIST)) {
            if (specialist != null && !specialist.equals(user.id())) {
                throw new SchedulingException(ErrorCode.NOT_YOUR_APPOINTMENT,
                        "Specialists see their own appointments only.");
            }
            found = bookings.forSpecialist(user.id(), day.atStartOfDay(settings.zone()).toInstant(),
                    day.plusDays(1).atStartOfDay(settings.zone()).toInstant());
        } else if (dispensary != null) {
            found = bookings.forDispensary(dispensary, day, settings.zone());
        } else if (specialist != null) {
            found = bookings.forSpecialist(specialist, day.atStartOfDay(settings.zone()).toInstant(),
                    day.plusDays(1).atStartOfDay(settings.zone()).toInstant());
        } else {
            found = bookings.onDate(day, settings.zone());
        }
        return found.stream().map(AppointmentView::of).toList();
    }

    @PostMapping("/appointments/{id}/check-in")
    @Operation(summary = "The patient has arrived (a nurse of the appointment's dispensary)")
    AppointmentView checkIn(CurrentUser user, @PathVariable String id) {
        return AppointmentView.of(bookings.checkIn(RequestValues.actor(user), id));
    }

    @PostMapping("/appointments/{id}/fulfil")
    @Operation(summary = "The consultation took place (the appointment's specialist)")
    AppointmentView fulfil(CurrentUser user, @PathVariable String id) {
        return AppointmentView.of(bookings.fulfil(RequestValues.actor(user), id));
    }

    @PostMapping("/appointments/{id}/no-show")
    @Operation(summary = "The patient did not come; only after the start (coordinator)")
    AppointmentView noShow(CurrentUser user, @PathVariable String id) {
        return AppointmentView.of(bookings.markNoShow(RequestValues.actor(user), id));
    }

    @PostMapping("/appointments/{id}/cancel")
    @Operation(summary = "Cancel a hold, booking or waitlist request (coordinator); the freed slot goes to the waitlist")
    AppointmentView cancel(CurrentUser user, @PathVariable String id, @RequestBody(required = false) ReasonBody body) {
        return AppointmentView.of(bookings.cancel(RequestValues.actor(user), id, body == null ? null : body.reason()));
    }

    @PostMapping("/appointments/{id}/entered-in-error")
    @Operation(summary = "Void an appointment entered by mistake (coordinator, admin)")
    AppointmentView enteredInError(CurrentUser user, @PathVariable String id,
                                   @RequestBody(required = false) ReasonBody body) {
        return AppointmentView.of(bookings.markEnteredInError(RequestValues.actor(user), id,
                body == null ? null : body.reason()));
    }

    @PostMapping("/appointments/{id}/reschedule")
    @Operation(summary = "Move to another slot of the same specialty, atomically: the new slot is secured before "
            + "the old one is released (coordinator)")
    AppointmentView reschedule(CurrentUser user, @PathVariable String id, @RequestBody RescheduleBody body) {
        if (body == null) {
            throw new SchedulingException(ErrorCode.INVALID_INPUT, "Send the new slot as JSON {specialistId?, start}.");
        }
        return AppointmentView.of(bookings.reschedule(RequestValues.actor(user), id, body.specialistId(),
                RequestValues.instant("start", body.start())));
    }

    /** The booking request, once its patient is known to be registered at its dispensary (coordinators only). */
    private BookingRequest checked(CurrentUser user, BookingBody body) {
        BookingRequest request = toRequest(body);
        user.requireRole(Role.COORDINATOR);
        patients.require(request.patientRef(), request.dispensaryId());
        return request;
    }

    private static BookingRequest toRequest(BookingBody body) {
        if (body == null) {
            throw new SchedulingException(ErrorCode.INVALID_INPUT,
                    "Send {specialistId, specialty, start, patientRef, dispensaryId} as JSON.");
        }
        return new BookingRequest(body.specialistId(), body.specialty(), RequestValues.instant("start", body.start()),
                body.patientRef(), body.dispensaryId());
    }

    static void requireCanSee(CurrentUser user, Appointment appointment) {
        boolean allowed = switch (user.role()) {
            case COORDINATOR, ADMIN -> true;
            case NURSE -> user.dispensaryId() != null && user.dispensaryId().equals(appointment.dispensaryId());
            case SPECIALIST -> user.id().equals(appointment.specialistId());
        };
        if (!allowed) {
            throw new SchedulingException(ErrorCode.NOT_YOUR_APPOINTMENT,
                    "This appointment belongs to another dispensary or specialist.");
        }
    }
}
