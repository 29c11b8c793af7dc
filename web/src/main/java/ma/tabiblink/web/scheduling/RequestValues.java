package ma.tabiblink.web.scheduling;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Locale;

import ma.tabiblink.scheduler.Actor;
import ma.tabiblink.scheduler.ActorRole;
import ma.tabiblink.scheduler.ErrorCode;
import ma.tabiblink.scheduler.SchedulingException;
import ma.tabiblink.web.account.CurrentUser;
import ma.tabiblink.web.account.Role;

/** Turns request strings into scheduler values, refusing malformed ones with a coded error naming the field. */
final class RequestValues {

    private RequestValues() {
    }

    static Actor actor(CurrentUser user) {
        String dispensary = user.dispensaryId() == null || user.dispensaryId().isBlank() ? null : user.dispensaryId();
        return new Actor(user.id(), actorRole(user.role()), dispensary);
    }

    /** The scheduler's role for an account's role. */
    private static ActorRole actorRole(Role role) {
        return switch (role) {
            case NURSE -> ActorRole.NURSE;
            case SPECIALIST -> ActorRole.SPECIALIST;
            case COORDINATOR -> ActorRole.COORDINATOR;
            case ADMIN -> ActorRole.ADMIN;
        };
    }

    /** An ISO-8601 instant ({@code 2026-04-06T08:00:00Z}) or date-time with offset ({@code 2026-04-06T09:00+01:00}). */
    static Instant instant(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new SchedulingException(ErrorCode.INVALID_DATE, "'" + field + "' is required (ISO-8601 date-time).");
        }
        try {
            return OffsetDateTime.parse(value.strip()).toInstant();
        } catch (DateTimeException e) {
            throw new SchedulingException(ErrorCode.INVALID_DATE,
                    "'" + field + "' must be an ISO-8601 date-time with offset, e.g. 2026-04-06T09:00:00+01:00.");
        }
    }

    static LocalDate date(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new SchedulingException(ErrorCode.INVALID_DATE, "'" + field + "' is required (YYYY-MM-DD).");
        }
        try {
            return LocalDate.parse(value.strip());
        } catch (DateTimeException e) {
            throw new SchedulingException(ErrorCode.INVALID_DATE, "'" + field + "' must be a date YYYY-MM-DD.");
        }
    }

    /** A date (the start of that day in {@code zone}, or of the next day when {@code endOfDay}) or a date-time. */
    static Instant dateOrInstant(String field, String value, ZoneId zone, boolean endOfDay) {
        if (value != null && value.strip().length() == 10) {
            LocalDate date = date(field, value);
            return (endOfDay ? date.plusDays(1) : date).atStartOfDay(zone).toInstant();
        }
        return instant(field, value);
    }

    static LocalTime time(String field, String value) {
        try {
            return LocalTime.parse(value == null ? "" : value.strip());
        } catch (DateTimeException e) {
            throw new SchedulingException(ErrorCode.INVALID_SCHEDULE, "'" + field + "' must be a time HH:MM.");
        }
    }

    static DayOfWeek day(String value) {
        try {
            return DayOfWeek.valueOf(value == null ? "" : value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new SchedulingException(ErrorCode.INVALID_SCHEDULE,
                    "'day' must be a weekday name such as MONDAY (got " + value + ").");
        }
    }

    static ZoneId zone(String value, ZoneId fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return ZoneId.of(value.strip());
        } catch (DateTimeException e) {
            throw new SchedulingException(ErrorCode.INVALID_SCHEDULE,
                    "'zone' must be an IANA time zone id such as Africa/Casablanca.");
        }
    }
}
