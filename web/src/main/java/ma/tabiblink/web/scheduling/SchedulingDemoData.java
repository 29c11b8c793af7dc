package ma.tabiblink.web.scheduling;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import ma.tabiblink.scheduler.availability.AvailabilityStore;
import ma.tabiblink.scheduler.availability.SpecialistSchedule;
import ma.tabiblink.scheduler.availability.WeeklyRule;
import ma.tabiblink.web.config.TabibSettings;

/**
 * In demo mode, gives the demo specialists weekday clinics (09:00–12:00 and 14:00–17:00 in the deployment's zone;
 * slots of the default 30 minutes with a 10-minute buffer). Idempotent: an existing schedule is never overwritten.
 */
@Component
@Order(10)
class SchedulingDemoData implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(SchedulingDemoData.class);
    private static final Map<String, String> DEMO_SPECIALISTS = Map.of(
            "dr.cardio", "cardiology", "dr.pedia", "paediatrics", "dr.derm", "dermatology");

    private final AvailabilityStore availability;
    private final TabibSettings settings;

    SchedulingDemoData(AvailabilityStore availability, TabibSettings settings) {
        this.availability = availability;
        this.settings = settings;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!settings.demo()) {
            return;
        }
        List<WeeklyRule> weekdays = new ArrayList<>();
        for (DayOfWeek day : List.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY,
                DayOfWeek.FRIDAY)) {
            weekdays.add(new WeeklyRule(day, LocalTime.of(9, 0), LocalTime.of(12, 0)));
            weekdays.add(new WeeklyRule(day, LocalTime.of(14, 0), LocalTime.of(17, 0)));
        }
        DEMO_SPECIALISTS.forEach((specialist, specialty) -> {
            if (availability.saveIfAbsent(new SpecialistSchedule(specialist, Set.of(specialty), settings.zone(),
                    weekdays, List.of()))) {
                log.info("Demo clinic hours set for {} ({})", specialist, specialty);
            }
        });
    }
}
