package ma.tabiblink.scheduler.availability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.Set;
import ma.tabiblink.scheduler.ErrorCode;
import ma.tabiblink.scheduler.Fixtures;
import ma.tabiblink.scheduler.RedisTestSupport;
import ma.tabiblink.scheduler.SchedulingException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class AvailabilityStoreTest extends RedisTestSupport {

    @Test
    void savingAScheduleReindexesItsSpecialties() {
        AvailabilityStore store = new AvailabilityStore(redis);
        store.save(Fixtures.weekdays("dr.multi", "cardiology", Fixtures.CASABLANCA));

        SpecialistSchedule changed = new SpecialistSchedule("dr.multi", Set.of("endocrinology", "pulmonology"),
                Fixtures.CASABLANCA, List.of(new WeeklyRule(DayOfWeek.SATURDAY, LocalTime.of(8, 0), LocalTime.of(10, 0))),
                List.of());
        store.save(changed);

        assertThat(store.forSpecialty("cardiology")).isEmpty();
        assertThat(store.forSpecialty("endocrinology")).containsExactly(changed);
        assertThat(store.require("dr.multi")).isEqualTo(changed);
        assertThat(store.all()).containsExactly(changed);
    }

    @Test
    void seedingIsIdempotentAndKeepsAnEditedSchedule() {
        AvailabilityStore store = new AvailabilityStore(redis);
        SpecialistSchedule seed = Fixtures.weekdays("dr.cardio", "cardiology", Fixtures.CASABLANCA);
        assertThat(store.saveIfAbsent(seed)).isTrue();
        SpecialistSchedule edited = store.addException("dr.cardio",
                new DateException(LocalDate.of(2026, 5, 1), List.of(), "Fête du Travail"));

        assertThat(store.saveIfAbsent(seed)).isFalse();
        assertThat(store.require("dr.cardio")).isEqualTo(edited);
        assertThat(edited.windowsOn(LocalDate.of(2026, 5, 1))).isEmpty();
    }

    @Test
    void slotPoliciesDefaultToThirtyMinutesWithATenMinuteBuffer() {
        AvailabilityStore store = new AvailabilityStore(redis);
        assertThat(store.policy("cardiology")).isEqualTo(new SlotPolicy(30, 10, 1));

        store.savePolicy("dermatology", new SlotPolicy(20, 5, 2));

        assertThat(store.policy("dermatology")).isEqualTo(new SlotPolicy(20, 5, 2));
    }

    @Test
    void invalidSchedulesAreRefusedWithACode() {
        AvailabilityStore store = new AvailabilityStore(redis);
        expect(() -> new WeeklyRule(DayOfWeek.MONDAY, LocalTime.of(12, 0), LocalTime.of(9, 0)), ErrorCode.INVALID_SCHEDULE);
        expect(() -> new SpecialistSchedule("dr.x", Set.of("cardiology"), null,
                List.of(new WeeklyRule(DayOfWeek.MONDAY, LocalTime.of(9, 0), LocalTime.of(12, 0)),
                        new WeeklyRule(DayOfWeek.MONDAY, LocalTime.of(11, 0), LocalTime.of(13, 0))), List.of()),
                ErrorCode.INVALID_SCHEDULE);
        expect(() -> new SpecialistSchedule("dr.x", Set.of(), null, List.of(), List.of()), ErrorCode.INVALID_SCHEDULE);
        expect(() -> new SpecialistSchedule("dr.x", Set.of("Cardio Logy"), null, List.of(), List.of()), ErrorCode.INVALID_INPUT);
        expect(() -> new SlotPolicy(0, 10, 1), ErrorCode.INVALID_SCHEDULE);
        expect(() -> new SlotPolicy(30, 10, 0), ErrorCode.INVALID_SCHEDULE);
        expect(() -> store.require("dr.nobody"), ErrorCode.UNKNOWN_SPECIALIST);
        expect(() -> store.addException("dr.nobody", new DateException(LocalDate.of(2026, 5, 1), null, null)),
                ErrorCode.UNKNOWN_SPECIALIST);
        assertThat(new SpecialistSchedule("dr.x", Set.of("ent"), null, null, null).zone())
                .isEqualTo(SpecialistSchedule.DEFAULT_ZONE);
    }

    private static void expect(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SchedulingException.class,
                e -> assertThat(e.code()).isEqualTo(code));
    }
}
