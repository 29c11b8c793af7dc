package ma.tabiblink.scheduler;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import ma.tabiblink.scheduler.availability.SpecialistSchedule;
import ma.tabiblink.scheduler.availability.WeeklyRule;

/** Schedules and actors shared by the tests. */
public final class Fixtures {

    public static final ZoneId CASABLANCA = ZoneId.of("Africa/Casablanca");
    public static final Actor COORDINATOR = new Actor("coord1", ActorRole.COORDINATOR, null);
    public static final Actor COORDINATOR_2 = new Actor("coord2", ActorRole.COORDINATOR, null);
    public static final Actor NURSE_TINGHIR = new Actor("nurse1", ActorRole.NURSE, "disp-tinghir");
    public static final Actor NURSE_AZILAL = new Actor("nurse2", ActorRole.NURSE, "disp-azilal");
    public static final Actor CARDIOLOGIST = new Actor("dr.cardio", ActorRole.SPECIALIST, null);
    public static final Actor PAEDIATRICIAN = new Actor("dr.pedia", ActorRole.SPECIALIST, null);
    public static final Actor ADMIN = new Actor("admin", ActorRole.ADMIN, null);

    private Fixtures() {
    }

    /** Monday to Friday 09:00–12:00 and 14:00–17:00 in {@code zone}. */
    public static SpecialistSchedule weekdays(String specialistId, String specialty, ZoneId zone) {
        List<WeeklyRule> rules = new ArrayList<>();
        for (DayOfWeek day : List.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY,
                DayOfWeek.FRIDAY)) {
            rules.add(new WeeklyRule(day, LocalTime.of(9, 0), LocalTime.of(12, 0)));
            rules.add(new WeeklyRule(day, LocalTime.of(14, 0), LocalTime.of(17, 0)));
        }
        return new SpecialistSchedule(specialistId, Set.of(specialty), zone, rules, List.of());
    }
}
