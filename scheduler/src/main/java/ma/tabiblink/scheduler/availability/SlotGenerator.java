package ma.tabiblink.scheduler.availability;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Cuts a schedule's clinic hours into slots. Each window's bounds are wall-clock times in the specialist's zone,
 * turned into instants on that date; slots are then laid on the real (UTC) timeline from the window's start. So a
 * 09:00 clinic starts at 09:00 local time whatever the offset that day, and on a day whose offset changes inside a
 * window the slots follow real elapsed time: none vanishes, none is duplicated.
 */
public final class SlotGenerator {

    private SlotGenerator() {
    }

    /** Candidate slots (nothing taken) for {@code specialty} on every date from {@code from} to {@code to} inclusive. */
    public static List<Slot> generate(SpecialistSchedule schedule, String specialty, SlotPolicy policy,
                                      LocalDate from, LocalDate to) {
        List<Slot> slots = new ArrayList<>();
        for (LocalDate date = from; !date.isAfter(to); date = date.plusDays(1)) {
            for (TimeWindow window : schedule.windowsOn(date)) {
                Instant windowStart = atZone(schedule, date, window.start(), true);
                Instant windowEnd = atZone(schedule, date, window.end(), false);
                Instant start = windowStart;
                while (!start.plus(policy.slotLength()).isAfter(windowEnd)) {
                    Instant end = start.plus(policy.slotLength());
                    slots.add(new Slot(schedule.specialistId(), specialty, start, end, schedule.zone(), policy.capacity(), 0));
                    start = end.plus(policy.buffer());
                }
            }
        }
        return slots;
    }

    /**
     * The slot {@link #generate} gives for {@code specialty} starting exactly at {@code start}, if any, found by
     * arithmetic on the windows instead of generating every slot of the days around it.
     */
    public static Optional<Slot> slotAt(SpecialistSchedule schedule, String specialty, SlotPolicy policy,
                                        Instant start) {
        LocalDate date = start.atZone(schedule.zone()).toLocalDate();
        Instant end = start.plus(policy.slotLength());
        long step = policy.slotLength().plus(policy.buffer()).toNanos();
        // A window opening late in the evening before a clock change can spill its slots onto the next local date.
        for (LocalDate day = date.minusDays(1); !day.isAfter(date); day = day.plusDays(1)) {
            for (TimeWindow window : schedule.windowsOn(day)) {
                Instant windowStart = atZone(schedule, day, window.start(), true);
                if (start.isBefore(windowStart) || end.isAfter(atZone(schedule, day, window.end(), false))) {
                    continue;
                }
                if (Duration.between(windowStart, start).toNanos() % step == 0) {
                    return Optional.of(new Slot(schedule.specialistId(), specialty, start, end, schedule.zone(),
                            policy.capacity(), 0));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * A local time that falls in a gap moves forward by the gap (it does not exist that day); in an overlap a window
     * opens at the earlier instant and closes at the later one, so it never shrinks.
     */
    private static Instant atZone(SpecialistSchedule schedule, LocalDate date, LocalTime time, boolean opening) {
        ZonedDateTime zoned = ZonedDateTime.of(date, time, schedule.zone());
        return (opening ? zoned.withEarlierOffsetAtOverlap() : zoned.withLaterOffsetAtOverlap()).toInstant();
    }
}
