package ma.tabiblink.records.cases;

import java.time.Duration;
import java.util.Objects;

/** How long an answer may take per urgency, counted from when the case was sent; a case past it is overdue. */
public record ServiceLevels(Duration urgent, Duration priority, Duration routine) {

    private static final Duration SHORTEST = Duration.ofMinutes(5);
    private static final Duration LONGEST = Duration.ofDays(30);

    /** An urgent case within 4 hours, a priority one within a day, a routine one within three days. */
    public static final ServiceLevels DEFAULT =
            new ServiceLevels(Duration.ofHours(4), Duration.ofHours(24), Duration.ofHours(72));

    public ServiceLevels {
        check("urgent", urgent);
        check("priority", priority);
        check("routine", routine);
        if (urgent.compareTo(priority) > 0 || priority.compareTo(routine) > 0) {
            throw new IllegalArgumentException("Case service levels must not grow shorter as urgency falls: urgent "
                    + urgent + ", priority " + priority + ", routine " + routine);
        }
    }

    private static void check(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.compareTo(SHORTEST) < 0 || d.compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException("The " + name + " case service level must be between 5 minutes and"
                    + " 30 days, not " + d);
        }
    }

    public Duration of(CaseUrgency urgency) {
        return switch (urgency) {
            case URGENT -> urgent;
            case PRIORITY -> priority;
            case ROUTINE -> routine;
        };
    }
}
