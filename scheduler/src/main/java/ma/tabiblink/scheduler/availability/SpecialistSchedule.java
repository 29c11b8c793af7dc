package ma.tabiblink.scheduler.availability;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import ma.tabiblink.scheduler.ErrorCode;
import ma.tabiblink.scheduler.SchedulingException;

/**
 * A specialist's availability (FHIR Schedule): the specialties they offer, the zone their clinic hours are expressed
 * in, weekly recurring hours and per-date exceptions.
 */
public record SpecialistSchedule(String specialistId, Set<String> specialties, ZoneId zone,
                                 List<WeeklyRule> weekly, List<DateException> exceptions) {

    public static final ZoneId DEFAULT_ZONE = ZoneId.of("Africa/Casablanca");
    private static final Comparator<TimeWindow> BY_START = Comparator.comparing(TimeWindow::start);
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern SPECIALTY = Pattern.compile("[a-z][a-z0-9-]{1,40}");

    public SpecialistSchedule {
        requireId(specialistId);
        if (specialties == null || specialties.isEmpty()) {
            throw new SchedulingException(ErrorCode.INVALID_SCHEDULE, "A schedule needs at least one specialty.");
        }
        specialties.forEach(SpecialistSchedule::requireSpecialty);
        specialties = Set.copyOf(new TreeSet<>(specialties));
        zone = zone == null ? DEFAULT_ZONE : zone;
        weekly = weekly == null ? List.of() : List.copyOf(weekly);
        exceptions = exceptions == null ? List.of() : exceptions.stream()
                .sorted(Comparator.comparing(DateException::date)).toList();
        for (var day : java.time.DayOfWeek.values()) {
            requireDisjoint(weekly.stream().filter(r -> r.day() == day).map(WeeklyRule::window).toList(), day.toString());
        }
        Set<LocalDate> dates = new HashSet<>();
        for (DateException e : exceptions) {
            if (!dates.add(e.date())) {
                throw new SchedulingException(ErrorCode.INVALID_SCHEDULE, "Two exceptions for " + e.date() + ".");
            }
        }
        if (exceptions.size() > 1000) {
            throw new SchedulingException(ErrorCode.INVALID_SCHEDULE, "At most 1000 date exceptions per schedule.");
        }
    }

    public static void requireId(String specialistId) {
        if (specialistId == null || !ID.matcher(specialistId).matches()) {
            throw new SchedulingException(ErrorCode.INVALID_INPUT,
                    "A specialist id is 1–64 lowercase letters, digits, '.', '_' or '-'.");
        }
    }

    public static void requireSpecialty(String specialty) {
        if (specialty == null || !SPECIALTY.matcher(specialty).matches()) {
            throw new SchedulingException(ErrorCode.INVALID_INPUT,
                    "A specialty code is lowercase letters, digits and '-' (e.g. cardiology).");
        }
    }

    static void requireDisjoint(List<TimeWindow> windows, String where) {
        for (int i = 0; i < windows.size(); i++) {
            for (int j = i + 1; j < windows.size(); j++) {
                if (windows.get(i).overlaps(windows.get(j))) {
                    throw new SchedulingException(ErrorCode.INVALID_SCHEDULE, "Overlapping hours on " + where + ".");
                }
            }
        }
    }

    /** The clinic hours on {@code date}, in start order: the exception's if there is one, else the weekly rules. */
    public List<TimeWindow> windowsOn(LocalDate date) {
        for (DateException e : exceptions) {
            if (e.date().equals(date)) {
                return sorted(e.hours());
            }
        }
        List<TimeWindow> windows = new ArrayList<>();
        for (WeeklyRule rule : weekly) {
            if (rule.day() == date.getDayOfWeek()) {
                windows.add(rule.window());
            }
        }
        return sorted(windows);
    }

    private static List<TimeWindow> sorted(List<TimeWindow> windows) {
        if (windows.size() < 2) {
            return windows.isEmpty() ? List.of() : List.of(windows.get(0));
        }
        List<TimeWindow> sorted = new ArrayList<>(windows);
        sorted.sort(BY_START);
        return Collections.unmodifiableList(sorted);
    }

    /** A copy with {@code exception} added, replacing any previous exception on the same date. */
    public SpecialistSchedule withException(DateException exception) {
        List<DateException> next = new ArrayList<>(exceptions.stream()
                .filter(e -> !e.date().equals(exception.date())).toList());
        next.add(exception);
        return new SpecialistSchedule(specialistId, specialties, zone, weekly, next);
    }
}
