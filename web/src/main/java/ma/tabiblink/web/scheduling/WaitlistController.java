package ma.tabiblink.web.scheduling;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import ma.tabiblink.scheduler.ErrorCode;
import ma.tabiblink.scheduler.SchedulingException;
import ma.tabiblink.scheduler.booking.BookingService;
import ma.tabiblink.scheduler.booking.WaitlistRequest;
import ma.tabiblink.web.account.CurrentUser;
import ma.tabiblink.web.account.Role;
import ma.tabiblink.web.config.TabibSettings;
import ma.tabiblink.web.scheduling.Views.AppointmentView;

@RestController
@RequestMapping("/api/v1")
@Tag(name = "Scheduling: waitlist", description = "Requests served first come first when a matching slot frees up")
class WaitlistController {

    /**
     * @param from dates (YYYY-MM-DD, inclusive, in the deployment's zone) or ISO-8601 date-times
     */
    record WaitlistBody(String specialty, String from, String to, String patientRef, String dispensaryId,
                        String preferredSpecialistId) {
    }

    private final BookingService bookings;
    private final BookablePatients patients;
    private final TabibSettings settings;

    WaitlistController(BookingService bookings, BookablePatients patients, TabibSettings settings) {
        this.bookings = bookings;
        this.patients = patients;
        this.settings = settings;
    }

    @PostMapping("/waitlist")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Waitlist a patient for a specialty over a date window (coordinator); the first matching "
            + "slot that frees up is booked (or offered, per tabib.scheduling.waitlist-mode). Idempotency-Key required.")
    AppointmentView join(CurrentUser user, @RequestBody WaitlistBody body,
                         @RequestHeader(value = AppointmentController.IDEMPOTENCY_KEY, required = false) String idempotencyKey) {
        if (body == null) {
            throw new SchedulingException(ErrorCode.INVALID_INPUT,
                    "Send {specialty, from, to, patientRef, dispensaryId, preferredSpecialistId?} as JSON.");
        }
        WaitlistRequest request = new WaitlistRequest(body.specialty(),
                RequestValues.dateOrInstant("from", body.from(), settings.zone(), false),
                RequestValues.dateOrInstant("to", body.to(), settings.zone(), true),
                body.patientRef(), body.dispensaryId(),
                body.preferredSpecialistId() == null || body.preferredSpecialistId().isBlank() ? null : body.preferredSpecialistId());
        user.requireRole(Role.COORDINATOR);
        patients.require(request.patientRef(), request.dispensaryId());
        return AppointmentView.of(bookings.joinWaitlist(RequestValues.actor(user), request, idempotencyKey));
    }

    @GetMapping("/waitlist")
    @Operation(summary = "A specialty's waitlist, first come first (coordinator, admin)")
    List<AppointmentView> list(CurrentUser user, @RequestParam String specialty) {
        user.requireRole(Role.COORDINATOR, Role.ADMIN);
        return bookings.waitlist(specialty).stream().map(AppointmentView::of).toList();
    }
}
