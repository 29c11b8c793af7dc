package ma.tabiblink.scheduler.availability;

import static ma.tabiblink.scheduler.Fixtures.CASABLANCA;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import ma.tabiblink.scheduler.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class SlotGeneratorTest {

    private static final SlotPolicy POLICY = new SlotPolicy(30, 10, 1);

    @ParameterizedTest
    @CsvSource({
            // last weekday before the switch, first weekday after, offsets before/after
            "2026-02-13, 2026-02-16, 1, 0",
            "2026-03-20, 2026-03-23, 0, 1",
            "2027-02-05, 2027-02-08, 1, 0",
            "2027-03-12, 2027-03-15, 0, 1"})
    void theNineOClockClinicStaysAtNineLocalTimeAcrossTheRamadanClockChange(LocalDate before, LocalDate after,
                                                                            int offsetBefore, int offsetAfter) {
        SpecialistSchedule schedule = Fixtures.weekdays("dr.cardio", "cardiology", CASABLANCA);

        List<Slot> dayBefore = SlotGenerator.generate(schedule, "cardiology", POLICY, before, before);
        List<Slot> dayAfter = SlotGenerator.generate(schedule, "cardiology", POLICY, after, after);

        assertThat(dayBefore).hasSize(8);
        assertThat(dayAfter).hasSize(8);
        assertThat(dayBefore.get(0).start()).isEqualTo(before.atTime(9 - offsetBefore, 0).toInstant(java.time.ZoneOffset.UTC));
        assertThat(dayAfter.get(0).start()).isEqualTo(after.atTime(9 - offsetAfter, 0).toInstant(java.time.ZoneOffset.UTC));
        for (List<Slot> day : List.of(dayBefore, dayAfter)) {
            assertThat(day.stream().map(s -> s.start().atZone(CASABLANCA).toLocalTime()).toList())
                    .containsExactly(LocalTime.of(9, 0), LocalTime.of(9, 40), LocalTime.of(10, 20), LocalTime.of(11, 0),
                            LocalTime.of(14, 0), LocalTime.of(14, 40), LocalTime.of(15, 20), LocalTime.of(16, 0));
        }
    }

    @Test
    void aWindowSpanningTheRamadanFallBackFollowsRealTimeWithoutDuplicatingASlot() {
        // 2026-02-15 03:00 (+01) becomes 02:00 (+00): local 02:00–03:00 happens twice.
        LocalDate date = LocalDate.of(2026, 2, 15);
        SpecialistSchedule schedule = nightClinic(CASABLANCA, date);

        List<Slot> slots = SlotGenerator.generate(schedule, "cardiology", POLICY, date, date);

        // 01:00+01 = 00:00Z to 05:00+00 = 05:00Z: five real hours.
        assertThat(slots.stream().map(Slot::start).toList()).containsExactly(
                utc("2026-02-15T00:00"), utc("2026-02-15T00:40"), utc("2026-02-15T01:20"), utc("2026-02-15T02:00"),
                utc("2026-02-15T02:40"), utc("2026-02-15T03:20"), utc("2026-02-15T04:00"));
        assertWellFormed(slots, schedule, date);
    }

    @Test
    void aWindowSpanningTheRamadanSpringForwardLosesOnlyTheHourThatDoesNotExist() {
        // 2026-03-22 02:00 (+00) becomes 03:00 (+01): local 02:00–03:00 does not exist.
        LocalDate date = LocalDate.of(2026, 3, 22);
        SpecialistSchedule schedule = nightClinic(CASABLANCA, date);

        List<Slot> slots = SlotGenerator.generate(schedule, "cardiology", POLICY, date, date);

        // 01:00+00 = 01:00Z to 05:00+01 = 04:00Z: three real hours.
        assertThat(slots.stream().map(Slot::start).toList()).containsExactly(
                utc("2026-03-22T01:00"), utc("2026-03-22T01:40"), utc("2026-03-22T02:20"), utc("2026-03-22T03:00"));
        assertWellFormed(slots, schedule, date);
    }

    @ParameterizedTest
    @CsvSource({
            "Europe/Paris, 2026-03-29", "Europe/Paris, 2026-10-25",
            "America/New_York, 2026-03-08", "America/New_York, 2026-11-01",
            "Australia/Lord_Howe, 2026-04-05", "Australia/Lord_Howe, 2026-10-04"})
    void windowsAcrossOtherZonesDaylightSavingChangesNeitherLoseNorDuplicateSlots(ZoneId zone, LocalDate date) {
        SpecialistSchedule schedule = nightClinic(zone, date);

        List<Slot> slots = SlotGenerator.generate(schedule, "cardiology", POLICY, date, date);

        assertThat(slots).isNotEmpty();
        assertWellFormed(slots, schedule, date);
    }

    @ParameterizedTest
    @MethodSource("zones")
    void twoYearsOfEveryDayAreGeneratedInOrderWithoutDuplicatesAndWithClinicsAtTheirLocalHours(ZoneId zone) {
        List<WeeklyRule> rules = everyDay(new TimeWindow(LocalTime.of(0, 30), LocalTime.of(3, 30)),
                new TimeWindow(LocalTime.of(9, 0), LocalTime.of(12, 0)),
                new TimeWindow(LocalTime.of(14, 0), LocalTime.of(17, 0)));
        SpecialistSchedule schedule = new SpecialistSchedule("dr.any", Set.of("cardiology"), zone, rules, List.of());
        LocalDate from = LocalDate.of(2026, 1, 1);
        LocalDate to = LocalDate.of(2027, 12, 31);

        List<Slot> all = SlotGenerator.generate(schedule, "cardiology", POLICY, from, to);

        Set<Instant> seen = new HashSet<>();
        for (int i = 0; i < all.size(); i++) {
            assertThat(seen.add(all.get(i).start())).as("duplicate %s", all.get(i)).isTrue();
            if (i > 0) {
                assertThat(all.get(i).start()).isAfterOrEqualTo(all.get(i - 1).end());
            }
        }
        for (LocalDate date = from; !date.isAfter(to); date = date.plusDays(1)) {
            List<Slot> day = SlotGenerator.generate(schedule, "cardiology", POLICY, date, date);
            assertWellFormed(day, schedule, date);
            LocalDate d = date;
            assertThat(day.stream().filter(s -> s.start().atZone(zone).toLocalTime().equals(LocalTime.of(9, 0))
                    && s.start().atZone(zone).toLocalDate().equals(d))).hasSize(1);
            assertThat(day.stream().filter(s -> s.start().atZone(zone).toLocalTime().equals(LocalTime.of(14, 0))))
                    .hasSize(1);
        }
    }

    @ParameterizedTest
    @MethodSource("zones")
    void theSlotAtAStartIsTheGeneratedOneAndNoOtherInstantHasASlot(ZoneId zone) {
        List<WeeklyRule> rules = everyDay(new TimeWindow(LocalTime.of(0, 30), LocalTime.of(3, 30)),
                new TimeWindow(LocalTime.of(14, 0), LocalTime.of(17, 0)),
                new TimeWindow(LocalTime.of(22, 0), LocalTime.of(23, 59)));
        LocalDate from = LocalDate.of(2026, 1, 1);
        LocalDate to = LocalDate.of(2027, 12, 31);
        SpecialistSchedule schedule = new SpecialistSchedule("dr.any", Set.of("cardiology"), zone, rules,
                List.of(new DateException(LocalDate.of(2026, 7, 30), List.of(), "closed")));
        SlotPolicy policy = new SlotPolicy(25, 5, 2);

        List<Slot> all = SlotGenerator.generate(schedule, "cardiology", policy, from.minusDays(1), to);
        Set<Instant> starts = new HashSet<>();
        for (Slot slot : all) {
            starts.add(slot.start());
            if (!slot.start().atZone(zone).toLocalDate().isBefore(from)) {
                assertThat(SlotGenerator.slotAt(schedule, "cardiology", policy, slot.start())).contains(slot);
            }
        }
        for (Instant t = from.atStartOfDay(zone).toInstant(); t.isBefore(to.atStartOfDay(zone).toInstant());
             t = t.plus(Duration.ofMinutes(5))) {
            if (!starts.contains(t)) {
                assertThat(SlotGenerator.slotAt(schedule, "cardiology", policy, t)).as("no slot at %s", t).isEmpty();
            }
        }
        assertThat(SlotGenerator.slotAt(schedule, "cardiology", policy, all.get(100).start().plusSeconds(1))).isEmpty();
    }

    @Test
    void aClosedDateExceptionRemovesTheDayAndAnExtraDayAddsHours() {
        LocalDate holiday = LocalDate.of(2026, 7, 30); // Throne Day, a Thursday
        LocalDate saturday = LocalDate.of(2026, 8, 1);
        SpecialistSchedule schedule = Fixtures.weekdays("dr.cardio", "cardiology", CASABLANCA)
                .withException(new DateException(holiday, List.of(), "Fête du Trône"))
                .withException(new DateException(saturday,
                        List.of(new TimeWindow(LocalTime.of(10, 0), LocalTime.of(11, 20))), "extra clinic"));

        assertThat(SlotGenerator.generate(schedule, "cardiology", POLICY, holiday, holiday)).isEmpty();
        assertThat(SlotGenerator.generate(schedule, "cardiology", POLICY, saturday, saturday))
                .extracting(s -> s.start().atZone(CASABLANCA).toLocalTime())
                .containsExactly(LocalTime.of(10, 0), LocalTime.of(10, 40));
    }

    static List<ZoneId> zones() {
        return List.of("Africa/Casablanca", "Europe/Paris", "America/New_York", "America/Santiago",
                "Australia/Lord_Howe", "Asia/Tehran", "UTC").stream().map(ZoneId::of).toList();
    }

    private static List<WeeklyRule> everyDay(TimeWindow... windows) {
        List<WeeklyRule> rules = new ArrayList<>();
        for (DayOfWeek day : DayOfWeek.values()) {
            for (TimeWindow window : windows) {
                rules.add(new WeeklyRule(day, window.start(), window.end()));
            }
        }
        return rules;
    }

    private static SpecialistSchedule nightClinic(ZoneId zone, LocalDate date) {
        return new SpecialistSchedule("dr.night", Set.of("cardiology"), zone, List.of(),
                List.of(new DateException(date, List.of(new TimeWindow(LocalTime.of(1, 0), LocalTime.of(5, 0))),
                        "night clinic")));
    }

    /**
     * Slots of one day: strictly ordered, evenly spaced within each window on the real timeline, the first of each
     * window at its local opening time, and as many as fit in the window's real duration.
     */
    private static void assertWellFormed(List<Slot> slots, SpecialistSchedule schedule, LocalDate date) {
        Duration step = POLICY.slotLength().plus(POLICY.buffer());
        int index = 0;
        for (TimeWindow window : schedule.windowsOn(date)) {
            Instant open = ZonedDateTime.of(date, window.start(), schedule.zone()).withEarlierOffsetAtOverlap().toInstant();
            Instant close = ZonedDateTime.of(date, window.end(), schedule.zone()).withLaterOffsetAtOverlap().toInstant();
            long expected = (Duration.between(open, close).plus(POLICY.buffer()).toMinutes()) / step.toMinutes();
            for (long n = 0; n < expected; n++) {
                Slot slot = slots.get(index++);
                assertThat(slot.start()).isEqualTo(open.plus(step.multipliedBy(n)));
                assertThat(slot.end()).isEqualTo(slot.start().plus(POLICY.slotLength())).isBeforeOrEqualTo(close);
            }
        }
        assertThat(index).isEqualTo(slots.size());
    }

    private static Instant utc(String localDateTime) {
        return Instant.parse(localDateTime + ":00Z");
    }
}
