package ma.tabiblink.web.scheduling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import ma.tabiblink.scheduler.ErrorCode;
import ma.tabiblink.scheduler.SchedulingException;
import ma.tabiblink.scheduler.availability.AvailabilityStore;
import ma.tabiblink.scheduler.availability.DateException;
import ma.tabiblink.scheduler.availability.SlotPolicy;
import ma.tabiblink.scheduler.availability.SpecialistSchedule;
import ma.tabiblink.scheduler.availability.TimeWindow;
import ma.tabiblink.scheduler.availability.WeeklyRule;
import ma.tabiblink.scheduler.calendar.CalendarFeed;
import ma.tabiblink.web.account.CurrentUser;
import ma.tabiblink.web.account.Role;
import ma.tabiblink.web.config.TabibSettings;

@RestController
@RequestMapping("/api/v1")
@Tag(name = "Scheduling: availability", description = "Specialists' weekly hours, date exceptions, slot policies, calendar feeds")
class AvailabilityController {

    private static final Duration CALENDAR_PAST = Duration.ofDays(30);
    private static final Duration CALENDAR_FUTURE = Duration.ofDays(120);

    record WindowBody(String start, String end) {
    }

    record WeeklyRuleBody(String day, String start, String end) {
    }

    record DateExceptionBody(String date, List<WindowBody> hours, String reason) {
    }

    record AvailabilityBody(List<String> specialties, String zone, List<WeeklyRuleBody> weekly,
                            List<DateExceptionBody> exceptions) {
    }

    private final AvailabilityStore availability;
    private final CalendarFeed calendar;
    private final TabibSettings settings;
    private final Clock clock;

    AvailabilityController(AvailabilityStore availability, CalendarFeed calendar, TabibSettings settings, Clock clock) {
        this.availability = availability;
        this.calendar = calendar;
        this.settings = settings;
        this.clock = clock;
    }

    @GetMapping("/specialists")
    @Operation(summary = "Specialists' schedules, optionally only those offering a specialty")
    List<SpecialistSchedule> schedules(CurrentUser user, @RequestParam(required = false) String specialty) {
        return specialty == null ? availability.all() : availability.forSpecialty(specialty);
    }

    @GetMapping("/specialists/{id}/availability")
    @Operation(summary = "A specialist's availability: specialties, zone, weekly hours and date exceptions")
    SpecialistSchedule get(CurrentUser user, @PathVariable String id) {
        return availability.require(id);
    }

    @PutMapping("/specialists/{id}/availability")
    @Operation(summary = "Replace a specialist's availability (coordinator, admin)")
    SpecialistSchedule put(CurrentUser user, @PathVariable String id, @RequestBody AvailabilityBody body) {
        user.requireRole(Role.COORDINATOR, Role.ADMIN);
        SpecialistSchedule schedule = toSchedule(id, body);
        availability.save(schedule);
        return schedule;
    }

    @PostMapping("/specialists/{id}/availability/exceptions")
    @Operation(summary = "Add or replace one date exception: no hours = closed (leave, holiday), hours = that day's hours")
    SpecialistSchedule addException(CurrentUser user, @PathVariable String id, @RequestBody DateExceptionBody body) {
        user.requireRole(Role.COORDINATOR, Role.ADMIN);
        if (body == null) {
            throw new SchedulingException(ErrorCode.INVALID_SCHEDULE, "Send the exception as JSON.");
        }
        SpecialistSchedule.requireId(id);
        return availability.addException(id, toException(body));
    }

    @GetMapping("/specialties/{code}/slot-policy")
    @Operation(summary = "A specialty's slot length, buffer and capacity")
    SlotPolicy policy(CurrentUser user, @PathVariable String code) {
        SpecialistSchedule.requireSpecialty(code);
        return availability.policy(code);
    }

    @PutMapping("/specialties/{code}/slot-policy")
    @Operation(summary = "Set a specialty's slot length, buffer and capacity (coordinator, admin)")
    SlotPolicy setPolicy(CurrentUser user, @PathVariable String code, @RequestBody SlotPolicy policy) {
        user.requireRole(Role.COORDINATOR, Role.ADMIN);
        if (policy == null) {
            throw new SchedulingException(ErrorCode.INVALID_SCHEDULE, "Send the slot policy as JSON.");
        }
        availability.savePolicy(code, policy);
        return policy;
    }

    @GetMapping("/specialists/{id}/calendar.ics")
    @Operation(summary = "The specialist's consultations as an iCalendar (RFC 5545) feed (the specialist, coordinators, admins)")
    ResponseEntity<String> calendar(CurrentUser user, @PathVariable String id,
                                    @RequestParam(required = false) String from,
                                    @RequestParam(required = false) String to) {
        if (!(user.is(Role.SPECIALIST) && user.id().equals(id))) {
            user.requireRole(Role.COORDINATOR, Role.ADMIN);
        }
        Instant now = clock.instant();
        Instant start = from == null ? now.minus(CALENDAR_PAST) : RequestValues.dateOrInstant("from", from, settings.zone(), false);
        Instant end = to == null ? now.plus(CALENDAR_FUTURE) : RequestValues.dateOrInstant("to", to, settings.zone(), true);
        if (!start.isBefore(end) || Duration.between(start, end).toDays() > 400) {
            throw new SchedulingException(ErrorCode.INVALID_RANGE, "The calendar range must run forward, at most 400 days.");
        }
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_TYPE, "text/calendar; charset=utf-8")
                .header(HttpHeaders.CONTENT_DISPOSITION, "inline; filename=\"" + id + ".ics\"")
                .body(calendar.specialistCalendar(id, start, end));
    }

    private SpecialistSchedule toSchedule(String id, AvailabilityBody body) {
        if (body == null) {
            throw new SchedulingException(ErrorCode.INVALID_SCHEDULE, "Send the availability as JSON.");
        }
        List<WeeklyRule> weekly = new ArrayList<>();
        for (WeeklyRuleBody rule : body.weekly() == null ? List.<WeeklyRuleBody>of() : body.weekly()) {
            if (rule == null) {
                throw new SchedulingException(ErrorCode.INVALID_SCHEDULE, "A weekly rule is empty.");
            }
            weekly.add(new WeeklyRule(RequestValues.day(rule.day()), RequestValues.time("start", rule.start()),
                    RequestValues.time("end", rule.end())));
        }
        List<DateException> exceptions = new ArrayList<>();
        for (DateExceptionBody exception : body.exceptions() == null ? List.<DateExceptionBody>of() : body.exceptions()) {
            exceptions.add(toException(exception));
        }
        return new SpecialistSchedule(id,
                body.specialties() == null ? null : new LinkedHashSet<>(body.specialties()),
                RequestValues.zone(body.zone(), settings.zone()), weekly, exceptions);
    }

    private static DateException toException(DateExceptionBody body) {
        if (body == null) {
            throw new SchedulingException(ErrorCode.INVALID_SCHEDULE, "A date exception is empty.");
        }
        LocalDate date = RequestValues.date("date", body.date());
        List<TimeWindow> hours = new ArrayList<>();
        for (WindowBody window : body.hours() == null ? List.<WindowBody>of() : body.hours()) {
            if (window == null) {
                throw new SchedulingException(ErrorCode.INVALID_SCHEDULE, "An hours entry is empty.");
            }
            hours.add(new TimeWindow(RequestValues.time("start", window.start()), RequestValues.time("end", window.end())));
        }
        return new DateException(date, hours, body.reason());
    }
}
