package ma.tabiblink.scheduler.booking;

import static ma.tabiblink.scheduler.Fixtures.COORDINATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import ma.tabiblink.scheduler.ErrorCode;
import ma.tabiblink.scheduler.SchedulerSettings;
import ma.tabiblink.scheduler.SchedulerTestSupport;
import ma.tabiblink.scheduler.SchedulingException;
import ma.tabiblink.scheduler.availability.Slot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class WaitlistTest extends SchedulerTestSupport {

    private Instant dayStart() {
        return CLINIC_DAY.atStartOfDay(ma.tabiblink.scheduler.Fixtures.CASABLANCA).toInstant();
    }

    private WaitlistRequest wanting(String patientRef, String preferred) {
        return new WaitlistRequest("cardiology", dayStart(), dayStart().plus(Duration.ofDays(1)), patientRef,
                "disp-azilal", preferred);
    }

    @Test
    void whenASlotFreesUpTheFirstWaitlistedRequestIsBookedIntoIt() {
        Slot slot = firstFreeSlot("dr.cardio");
        Appointment taken = scheduler.bookings().book(COORDINATOR, request(slot, "pat-1"), key());
        Appointment first = scheduler.bookings().joinWaitlist(COORDINATOR, wanting("pat-w1", null), key());
        Appointment second = scheduler.bookings().joinWaitlist(COORDINATOR, wanting("pat-w2", null), key());
        assertThat(first.status()).isEqualTo(AppointmentStatus.WAITLIST);
        assertThat(scheduler.bookings().waitlist("cardiology")).extracting(Appointment::id)
                .containsExactly(first.id(), second.id());

        scheduler.bookings().cancel(COORDINATOR, taken.id(), "family emergency");

        Appointment promoted = scheduler.bookings().require(first.id());
        assertThat(promoted.status()).isEqualTo(AppointmentStatus.BOOKED);
        assertThat(promoted.specialistId()).isEqualTo("dr.cardio");
        assertThat(promoted.start()).isEqualTo(slot.start());
        assertThat(scheduler.bookings().require(second.id()).status()).isEqualTo(AppointmentStatus.WAITLIST);
        assertThat(scheduler.bookings().waitlist("cardiology")).extracting(Appointment::id).containsExactly(second.id());
        assertThat(eventTypes()).containsSubsequence(BookingEvent.Type.CANCELLED, BookingEvent.Type.WAITLIST_PROMOTED);
        assertThat(events.get(events.size() - 1).appointment().id()).isEqualTo(first.id());
        assertThat(scheduler.bookings().history(first.id())).extracting(HistoryEntry::action)
                .containsExactly("waitlist", "waitlist-promote");
    }

    @Test
    void inOfferModeTheFreedSlotIsHeldForTheWaitlistedRequestUntilConfirmed() {
        scheduler = new ma.tabiblink.scheduler.Scheduler(redis, clock,
                SchedulerSettings.DEFAULTS.withWaitlistMode(SchedulerSettings.WaitlistMode.OFFER));
        Slot slot = firstFreeSlot("dr.cardio");
        Appointment taken = scheduler.bookings().book(COORDINATOR, request(slot, "pat-1"), key());
        Appointment waiting = scheduler.bookings().joinWaitlist(COORDINATOR, wanting("pat-w1", null), key());

        scheduler.bookings().cancel(COORDINATOR, taken.id(), null);

        Appointment offered = scheduler.bookings().require(waiting.id());
        assertThat(offered.status()).isEqualTo(AppointmentStatus.PENDING);
        assertThat(offered.holdExpiresAt()).isEqualTo(clock.instant().plus(SchedulerSettings.DEFAULTS.waitlistOfferDuration()));
        assertThat(scheduler.bookings().confirm(COORDINATOR, waiting.id()).status()).isEqualTo(AppointmentStatus.BOOKED);
    }

    @Test
    void aPreferredSpecialistAndTheRequestedWindowAreRespected() {
        Slot slot = firstFreeSlot("dr.cardio");
        Appointment taken = scheduler.bookings().book(COORDINATOR, request(slot, "pat-1"), key());
        Appointment wantsOther = scheduler.bookings().joinWaitlist(COORDINATOR, wanting("pat-w1", "dr.heart"), key());
        Appointment tooLate = scheduler.bookings().joinWaitlist(COORDINATOR, new WaitlistRequest("cardiology",
                slot.end(), slot.end().plus(Duration.ofDays(2)), "pat-w2", "disp-azilal", null), key());
        Appointment fits = scheduler.bookings().joinWaitlist(COORDINATOR, wanting("pat-w3", "dr.cardio"), key());

        scheduler.bookings().cancel(COORDINATOR, taken.id(), null);

        assertThat(scheduler.bookings().require(wantsOther.id()).status()).isEqualTo(AppointmentStatus.WAITLIST);
        assertThat(scheduler.bookings().require(tooLate.id()).status()).isEqualTo(AppointmentStatus.WAITLIST);
        assertThat(scheduler.bookings().require(fits.id()).status()).isEqualTo(AppointmentStatus.BOOKED);
    }

    @Test
    void aLapsedHoldAndARescheduleAlsoHandTheirSlotToTheWaitlist() {
        List<Slot> day = freeSlots("dr.cardio", CLINIC_DAY);
        Appointment held = scheduler.bookings().hold(COORDINATOR, request(day.get(0), "pat-1"), key());
        Appointment moving = scheduler.bookings().book(COORDINATOR, request(day.get(1), "pat-2"), key());
        Appointment w1 = scheduler.bookings().joinWaitlist(COORDINATOR, wanting("pat-w1", "dr.cardio"), key());
        Appointment w2 = scheduler.bookings().joinWaitlist(COORDINATOR, wanting("pat-w2", "dr.cardio"), key());

        clock.advance(Duration.ofMinutes(6));
        scheduler.bookings().expireHolds();
        scheduler.bookings().reschedule(COORDINATOR, moving.id(), null, day.get(5).start());

        assertThat(scheduler.bookings().require(w1.id()).start()).isEqualTo(day.get(0).start());
        assertThat(scheduler.bookings().require(w2.id()).start()).isEqualTo(day.get(1).start());
    }

    @Test
    void aWaitlistedRequestCanBeCancelledAndItsRetryIsIdempotent() {
        String idem = key();
        Appointment waiting = scheduler.bookings().joinWaitlist(COORDINATOR, wanting("pat-w1", null), idem);
        assertThat(scheduler.bookings().joinWaitlist(COORDINATOR, wanting("pat-w1", null), idem)).isEqualTo(waiting);

        scheduler.bookings().cancel(COORDINATOR, waiting.id(), "no longer needed");

        assertThat(scheduler.bookings().waitlist("cardiology")).isEmpty();
        assertThatThrownBy(() -> new WaitlistRequest("cardiology", dayStart(), dayStart(), "pat-1", "disp-azilal", null))
                .isInstanceOfSatisfying(SchedulingException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_RANGE));
    }
}
