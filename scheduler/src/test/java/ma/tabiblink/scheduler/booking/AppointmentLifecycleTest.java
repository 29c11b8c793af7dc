package ma.tabiblink.scheduler.booking;

import static ma.tabiblink.scheduler.Fixtures.ADMIN;
import static ma.tabiblink.scheduler.Fixtures.CARDIOLOGIST;
import static ma.tabiblink.scheduler.Fixtures.COORDINATOR;
import static ma.tabiblink.scheduler.Fixtures.NURSE_AZILAL;
import static ma.tabiblink.scheduler.Fixtures.NURSE_TINGHIR;
import static ma.tabiblink.scheduler.Fixtures.PAEDIATRICIAN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.function.Function;
import ma.tabiblink.scheduler.ErrorCode;
import ma.tabiblink.scheduler.SchedulerKeys;
import ma.tabiblink.scheduler.SchedulerTestSupport;
import ma.tabiblink.scheduler.SchedulingException;
import ma.tabiblink.scheduler.availability.Slot;
import ma.tabiblink.scheduler.availability.SlotQuery;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class AppointmentLifecycleTest extends SchedulerTestSupport {

    @Test
    void aBookedAppointmentIsCheckedInByTheNurseAndFulfilledByItsSpecialistWithItsHistoryKept() {
        Slot slot = firstFreeSlot("dr.cardio");
        Appointment booked = scheduler.bookings().book(COORDINATOR, request(slot, "pat-1"), key());
        clock.set(slot.start().minus(Duration.ofMinutes(5)));

        Appointment arrived = scheduler.bookings().checkIn(NURSE_TINGHIR, booked.id());
        Appointment fulfilled = scheduler.bookings().fulfil(CARDIOLOGIST, booked.id());

        assertThat(arrived.status()).isEqualTo(AppointmentStatus.ARRIVED);
        assertThat(fulfilled.status()).isEqualTo(AppointmentStatus.FULFILLED);
        assertThat(scheduler.bookings().history(booked.id()))
                .extracting(HistoryEntry::action, HistoryEntry::actorId, HistoryEntry::fromStatus, HistoryEntry::toStatus)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("book", "coord1", null, "booked"),
                        org.assertj.core.groups.Tuple.tuple("check-in", "nurse1", "booked", "arrived"),
                        org.assertj.core.groups.Tuple.tuple("fulfil", "dr.cardio", "arrived", "fulfilled"));
        assertThat(scheduler.bookings().history(booked.id()).get(1).at()).isEqualTo(slot.start().minus(Duration.ofMinutes(5)));
        assertThat(eventTypes()).containsExactly(BookingEvent.Type.BOOKED, BookingEvent.Type.CHECKED_IN,
                BookingEvent.Type.FULFILLED);
    }

    @Test
    void theSignallingLookupGivesSpecialistDispensaryPatientTimesSpecialtyAndStatus() {
        Slot slot = firstFreeSlot("dr.cardio");
        Appointment booked = scheduler.bookings().book(COORDINATOR, request(slot, "pat-42"), key());

        Appointment found = scheduler.bookings().find(booked.id()).orElseThrow();

        assertThat(found.specialistId()).isEqualTo("dr.cardio");
        assertThat(found.dispensaryId()).isEqualTo("disp-tinghir");
        assertThat(found.patientRef()).isEqualTo("pat-42");
        assertThat(found.start()).isEqualTo(slot.start());
        assertThat(found.end()).isEqualTo(slot.end());
        assertThat(found.specialty()).isEqualTo("cardiology");
        assertThat(found.status()).isEqualTo(AppointmentStatus.BOOKED);
        assertThat(scheduler.bookings().find("apt_doesnotexist00000000")).isEmpty();
        assertThat(scheduler.bookings().find("../../etc")).isEmpty();
    }

    @Test
    void aHoldIsConfirmedBeforeItLapsesAndRefusedAfter() {
        Slot first = freeSlots("dr.cardio", CLINIC_DAY).get(0);
        Slot second = freeSlots("dr.cardio", CLINIC_DAY).get(1);
        Appointment held = scheduler.bookings().hold(COORDINATOR, request(first, "pat-1"), key());
        Appointment lapsing = scheduler.bookings().hold(COORDINATOR, request(second, "pat-2"), key());
        assertThat(held.status()).isEqualTo(AppointmentStatus.PENDING);
        assertThat(held.holdExpiresAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));
        assertThat(freeSlots("dr.cardio", CLINIC_DAY)).noneMatch(s -> s.start().equals(first.start()));

        assertThat(scheduler.bookings().confirm(COORDINATOR, held.id()).status()).isEqualTo(AppointmentStatus.BOOKED);
        clock.advance(Duration.ofMinutes(5));

        expectCode(() -> scheduler.bookings().confirm(COORDINATOR, lapsing.id()), ErrorCode.HOLD_EXPIRED);
        assertThat(freeSlots("dr.cardio", CLINIC_DAY)).anyMatch(s -> s.start().equals(second.start()));
        assertThat(scheduler.bookings().expireHolds()).isEqualTo(1);
        assertThat(scheduler.bookings().require(lapsing.id()).status()).isEqualTo(AppointmentStatus.CANCELLED);
        assertThat(scheduler.bookings().require(lapsing.id()).statusReason()).isEqualTo("hold-expired");
        assertThat(eventTypes()).contains(BookingEvent.Type.HOLD_EXPIRED);
        assertThat(scheduler.bookings().require(held.id()).status()).isEqualTo(AppointmentStatus.BOOKED);
    }

    @Test
    void theEndOfItsCallFulfilsABookedAppointmentOnceAndLeavesACancelledOneAlone() {
        Slot slot = firstFreeSlot("dr.cardio");
        Appointment booked = scheduler.bookings().book(COORDINATOR, request(slot, "pat-1"), key());
        Appointment cancelled = scheduler.bookings().book(COORDINATOR, request(firstFreeSlot("dr.cardio"), "pat-2"), key());
        scheduler.bookings().cancel(COORDINATOR, cancelled.id(), "patient transferred");
        clock.set(slot.start().plus(Duration.ofMinutes(20)));

        Appointment fulfilled = scheduler.bookings().fulfilAfterCall(booked.id());
        Appointment again = scheduler.bookings().fulfilAfterCall(booked.id());

        assertThat(fulfilled.status()).isEqualTo(AppointmentStatus.FULFILLED);
        assertThat(again.version()).isEqualTo(fulfilled.version());
        assertThat(scheduler.bookings().history(booked.id()))
                .extracting(HistoryEntry::action, HistoryEntry::actorId, HistoryEntry::fromStatus, HistoryEntry::toStatus)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("book", "coord1", null, "booked"),
                        org.assertj.core.groups.Tuple.tuple("fulfil", "system", "booked", "fulfilled"));
        expectCode(() -> scheduler.bookings().fulfilAfterCall(cancelled.id()), ErrorCode.INVALID_TRANSITION);
        assertThat(scheduler.bookings().require(cancelled.id()).status()).isEqualTo(AppointmentStatus.CANCELLED);
    }

    @Test
    void cancellingFreesTheSlotForTheNextBookingAndIsIdempotent() {
        Slot slot = firstFreeSlot("dr.cardio");
        Appointment booked = scheduler.bookings().book(COORDINATOR, request(slot, "pat-1"), key());

        Appointment cancelled = scheduler.bookings().cancel(COORDINATOR, booked.id(), "patient transferred");
        Appointment again = scheduler.bookings().cancel(COORDINATOR, booked.id(), "patient transferred");
        Appointment rebooked = scheduler.bookings().book(COORDINATOR, request(slot, "pat-2"), key());

        assertThat(cancelled.status()).isEqualTo(AppointmentStatus.CANCELLED);
        assertThat(cancelled.statusReason()).isEqualTo("patient transferred");
        assertThat(again.version()).isEqualTo(cancelled.version());
        assertThat(rebooked.status()).isEqualTo(AppointmentStatus.BOOKED);
    }

    @Test
    void aTakenSlotIsAnsweredWithTheSpecialistsNextFreeSlotsFromItsStartAsASearchWouldFindThem() {
        List<Slot> day = freeSlots("dr.cardio", CLINIC_DAY);
        scheduler.bookings().book(COORDINATOR, request(day.get(0), "pat-1"), key());
        scheduler.bookings().book(COORDINATOR, request(day.get(2), "pat-2"), key());

        assertThatThrownBy(() -> scheduler.bookings().book(COORDINATOR, request(day.get(0), "pat-3"), key()))
                .isInstanceOfSatisfying(SchedulingException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.SLOT_TAKEN);
                    assertThat(e.details().get("nextFreeSlots"))
                            .isEqualTo(List.of(day.get(1), day.get(3), day.get(4)))
                            .isEqualTo(scheduler.slots().nextFree("dr.cardio", "cardiology", day.get(0).start(), 3));
                });
    }

    @Test
    void rescheduleTakesTheNewSlotAndReleasesTheOldOneInOneStep() {
        List<Slot> day = freeSlots("dr.cardio", CLINIC_DAY);
        Appointment booked = scheduler.bookings().book(COORDINATOR, request(day.get(0), "pat-1"), key());

        Appointment moved = scheduler.bookings().reschedule(COORDINATOR, booked.id(), "dr.heart", day.get(3).start());

        assertThat(moved.id()).isEqualTo(booked.id());
        assertThat(moved.specialistId()).isEqualTo("dr.heart");
        assertThat(moved.start()).isEqualTo(day.get(3).start());
        assertThat(freeSlots("dr.cardio", CLINIC_DAY)).anyMatch(s -> s.start().equals(day.get(0).start()));
        assertThat(freeSlots("dr.heart", CLINIC_DAY)).noneMatch(s -> s.start().equals(day.get(3).start()));
        assertThat(scheduler.bookings().reschedule(COORDINATOR, booked.id(), "dr.heart", day.get(3).start()).version())
                .isEqualTo(moved.version());
        assertThat(eventTypes()).containsExactly(BookingEvent.Type.BOOKED, BookingEvent.Type.RESCHEDULED);
    }

    @Test
    void rescheduleOntoATakenSlotIsRefusedAndKeepsTheOriginalBooking() {
        List<Slot> day = freeSlots("dr.cardio", CLINIC_DAY);
        Appointment mine = scheduler.bookings().book(COORDINATOR, request(day.get(0), "pat-1"), key());
        scheduler.bookings().book(COORDINATOR, request(day.get(1), "pat-2"), key());

        expectCode(() -> scheduler.bookings().reschedule(COORDINATOR, mine.id(), null, day.get(1).start()),
                ErrorCode.SLOT_TAKEN);

        Appointment unchanged = scheduler.bookings().require(mine.id());
        assertThat(unchanged.start()).isEqualTo(day.get(0).start());
        assertThat(unchanged.status()).isEqualTo(AppointmentStatus.BOOKED);
        assertThat(freeSlots("dr.cardio", CLINIC_DAY)).noneMatch(s -> s.start().equals(day.get(0).start()));
    }

    @Test
    void aRetriedBookingReturnsTheSameAppointmentAndAReusedKeyForAnotherRequestIsRefused() {
        List<Slot> day = freeSlots("dr.cardio", CLINIC_DAY);
        Appointment first = scheduler.bookings().book(COORDINATOR, request(day.get(0), "pat-1"), "k-1");
        clock.advance(Duration.ofSeconds(30));

        Appointment retried = scheduler.bookings().book(COORDINATOR, request(day.get(0), "pat-1"), "k-1");

        assertThat(retried).isEqualTo(first);
        expectCode(() -> scheduler.bookings().book(COORDINATOR, request(day.get(1), "pat-1"), "k-1"),
                ErrorCode.IDEMPOTENCY_KEY_REUSED);
        assertThat(eventTypes()).containsExactly(BookingEvent.Type.BOOKED);
        assertThat(redis.zcard(SchedulerKeys.allAppointments())).isEqualTo(1);
    }

    @Test
    void everyInvalidTransitionIsRefusedWithACode() {
        Slot slot = firstFreeSlot("dr.cardio");
        // booked -> fulfilled skips check-in; pending -> arrived; cancelled -> anything; fulfilled -> cancelled
        Appointment booked = scheduler.bookings().book(COORDINATOR, request(slot, "pat-1"), key());
        expectCode(() -> scheduler.bookings().fulfil(CARDIOLOGIST, booked.id()), ErrorCode.INVALID_TRANSITION);

        Appointment held = scheduler.bookings().hold(COORDINATOR, request(freeSlots("dr.cardio", CLINIC_DAY).get(0), "pat-2"), key());
        expectCode(() -> scheduler.bookings().checkIn(NURSE_TINGHIR, held.id()), ErrorCode.INVALID_TRANSITION);
        expectCode(() -> scheduler.bookings().markNoShow(COORDINATOR, held.id()), ErrorCode.INVALID_TRANSITION);

        scheduler.bookings().cancel(COORDINATOR, held.id(), null);
        expectCode(() -> scheduler.bookings().confirm(COORDINATOR, held.id()), ErrorCode.INVALID_TRANSITION);
        expectCode(() -> scheduler.bookings().checkIn(NURSE_TINGHIR, held.id()), ErrorCode.INVALID_TRANSITION);
        expectCode(() -> scheduler.bookings().reschedule(COORDINATOR, held.id(), null, slot.start()),
                ErrorCode.INVALID_TRANSITION);

        clock.set(slot.start());
        scheduler.bookings().checkIn(NURSE_TINGHIR, booked.id());
        expectCode(() -> scheduler.bookings().markNoShow(COORDINATOR, booked.id()), ErrorCode.INVALID_TRANSITION);
        expectCode(() -> scheduler.bookings().cancel(COORDINATOR, booked.id(), null), ErrorCode.INVALID_TRANSITION);
        scheduler.bookings().fulfil(CARDIOLOGIST, booked.id());
        expectCode(() -> scheduler.bookings().cancel(COORDINATOR, booked.id(), null), ErrorCode.INVALID_TRANSITION);
        expectCode(() -> scheduler.bookings().markEnteredInError(ADMIN, booked.id(), "dup"), ErrorCode.INVALID_TRANSITION);
    }

    @Test
    void aNoShowIsRecordedOnlyOnceTheAppointmentHasStarted() {
        Slot slot = firstFreeSlot("dr.cardio");
        Appointment booked = scheduler.bookings().book(COORDINATOR, request(slot, "pat-1"), key());

        expectCode(() -> scheduler.bookings().markNoShow(COORDINATOR, booked.id()), ErrorCode.TOO_EARLY);
        clock.set(slot.start().plus(Duration.ofMinutes(15)));

        assertThat(scheduler.bookings().markNoShow(COORDINATOR, booked.id()).status()).isEqualTo(AppointmentStatus.NOSHOW);
        assertThat(eventTypes()).contains(BookingEvent.Type.NO_SHOW);
    }

    @Test
    void eachActionIsRefusedToTheWrongRole() {
        Slot slot = firstFreeSlot("dr.cardio");
        Appointment booked = scheduler.bookings().book(COORDINATOR, request(slot, "pat-1"), key());

        expectCode(() -> scheduler.bookings().book(NURSE_TINGHIR, request(freeSlots("dr.cardio", CLINIC_DAY).get(0), "pat-2"), key()),
                ErrorCode.FORBIDDEN_ROLE);
        expectCode(() -> scheduler.bookings().hold(CARDIOLOGIST, request(freeSlots("dr.cardio", CLINIC_DAY).get(0), "pat-2"), key()),
                ErrorCode.FORBIDDEN_ROLE);
        expectCode(() -> scheduler.bookings().cancel(NURSE_TINGHIR, booked.id(), null), ErrorCode.FORBIDDEN_ROLE);
        expectCode(() -> scheduler.bookings().reschedule(CARDIOLOGIST, booked.id(), null, slot.start()), ErrorCode.FORBIDDEN_ROLE);
        expectCode(() -> scheduler.bookings().markNoShow(NURSE_TINGHIR, booked.id()), ErrorCode.FORBIDDEN_ROLE);
        expectCode(() -> scheduler.bookings().checkIn(COORDINATOR, booked.id()), ErrorCode.FORBIDDEN_ROLE);
        expectCode(() -> scheduler.bookings().checkIn(NURSE_AZILAL, booked.id()), ErrorCode.NOT_YOUR_APPOINTMENT);
        clock.set(slot.start());
        scheduler.bookings().checkIn(NURSE_TINGHIR, booked.id());
        expectCode(() -> scheduler.bookings().fulfil(NURSE_TINGHIR, booked.id()), ErrorCode.FORBIDDEN_ROLE);
        expectCode(() -> scheduler.bookings().fulfil(PAEDIATRICIAN, booked.id()), ErrorCode.NOT_YOUR_APPOINTMENT);
        expectCode(() -> scheduler.bookings().markEnteredInError(NURSE_TINGHIR, booked.id(), null), ErrorCode.FORBIDDEN_ROLE);
        assertThat(scheduler.bookings().require(booked.id()).status()).isEqualTo(AppointmentStatus.ARRIVED);
    }

    @Test
    void badBookingInputGetsACodedErrorAndStoresNothing() {
        Slot slot = firstFreeSlot("dr.cardio");
        Instant offGrid = slot.start().plus(Duration.ofMinutes(7));
        Instant saturday = LocalDate.of(2026, 4, 4).atTime(9, 0).toInstant(java.time.ZoneOffset.ofHours(1));

        expectCode(() -> scheduler.bookings().book(COORDINATOR, request("dr.cardio", "cardiology", offGrid, "pat-1"), key()),
                ErrorCode.UNKNOWN_SLOT);
        expectCode(() -> scheduler.bookings().book(COORDINATOR, request("dr.cardio", "cardiology", saturday, "pat-1"), key()),
                ErrorCode.UNKNOWN_SLOT);
        expectCode(() -> scheduler.bookings().book(COORDINATOR, request("dr.nobody", "cardiology", slot.start(), "pat-1"), key()),
                ErrorCode.UNKNOWN_SPECIALIST);
        expectCode(() -> scheduler.bookings().book(COORDINATOR, request("dr.cardio", "dermatology", slot.start(), "pat-1"), key()),
                ErrorCode.SPECIALTY_NOT_OFFERED);
        expectCode(() -> scheduler.bookings().book(COORDINATOR, request(slot, "pat-1"), null), ErrorCode.IDEMPOTENCY_KEY_REQUIRED);
        expectCode(() -> scheduler.bookings().book(COORDINATOR, request(slot, "pat-1"), "bad key with spaces"), ErrorCode.INVALID_INPUT);
        expectCode(() -> request(slot, "pat 1; DROP"), ErrorCode.INVALID_PATIENT_REF);
        expectCode(() -> request("dr.cardio", "cardiology", null, "pat-1"), ErrorCode.INVALID_DATE);
        expectCode(() -> request("Dr Cardio!", "cardiology", slot.start(), "pat-1"), ErrorCode.INVALID_INPUT);
        expectCode(() -> scheduler.bookings().cancel(COORDINATOR, "apt_unknown0000000000000", null), ErrorCode.UNKNOWN_APPOINTMENT);
        expectCode(() -> scheduler.slots().search(new SlotQuery("cardiology", null, CLINIC_DAY, CLINIC_DAY.minusDays(1), 0)),
                ErrorCode.INVALID_RANGE);
        expectCode(() -> scheduler.slots().search(new SlotQuery("cardiology", null, CLINIC_DAY, CLINIC_DAY.plusDays(100), 0)),
                ErrorCode.INVALID_RANGE);
        expectCode(() -> scheduler.slots().search(new SlotQuery(null, null, CLINIC_DAY, CLINIC_DAY, 0)), ErrorCode.INVALID_INPUT);

        clock.set(slot.start().plus(Duration.ofMinutes(1)));
        expectCode(() -> scheduler.bookings().book(COORDINATOR, request(slot, "pat-1"), key()), ErrorCode.SLOT_IN_PAST);

        assertThat(redis.keys(SchedulerKeys.PREFIX + "appt:*")).isEmpty();
    }

    @Test
    void aScheduleOrPolicyChangedOnAnotherNodeIsHonouredByTheNextBooking() {
        List<Slot> monday = freeSlots("dr.cardio", CLINIC_DAY);
        scheduler.bookings().book(COORDINATOR, request(monday.get(0), "pat-1"), key());
        ma.tabiblink.scheduler.Scheduler otherNode = new ma.tabiblink.scheduler.Scheduler(redis, clock, settings());
        LocalDate saturday = CLINIC_DAY.plusDays(5);
        Instant saturdayTen = saturday.atTime(10, 0).atZone(ma.tabiblink.scheduler.Fixtures.CASABLANCA).toInstant();
        Instant tuesdayNineTwenty = CLINIC_DAY.plusDays(1).atTime(9, 20)
                .atZone(ma.tabiblink.scheduler.Fixtures.CASABLANCA).toInstant();

        otherNode.availability().addException("dr.cardio", new ma.tabiblink.scheduler.availability.DateException(
                CLINIC_DAY, List.of(), "leave"));
        expectCode(() -> scheduler.bookings().book(COORDINATOR, request(monday.get(1), "pat-2"), key()),
                ErrorCode.UNKNOWN_SLOT);
        otherNode.availability().addException("dr.cardio", new ma.tabiblink.scheduler.availability.DateException(
                saturday, List.of(new ma.tabiblink.scheduler.availability.TimeWindow(
                        java.time.LocalTime.of(10, 0), java.time.LocalTime.of(11, 0))), "extra clinic"));
        assertThat(scheduler.bookings().book(COORDINATOR, request("dr.cardio", "cardiology", saturdayTen, "pat-3"), key())
                .status()).isEqualTo(AppointmentStatus.BOOKED);
        otherNode.availability().savePolicy("cardiology", new ma.tabiblink.scheduler.availability.SlotPolicy(20, 0, 1));
        assertThat(scheduler.bookings().book(COORDINATOR, request("dr.cardio", "cardiology", tuesdayNineTwenty, "pat-4"), key())
                .end()).isEqualTo(tuesdayNineTwenty.plus(Duration.ofMinutes(20)));
    }

    @Test
    void pastSlotsAreNotOffered() {
        List<Slot> day = freeSlots("dr.cardio", CLINIC_DAY);
        clock.set(day.get(2).start());

        assertThat(freeSlots("dr.cardio", CLINIC_DAY)).first().extracting(Slot::start).isEqualTo(day.get(3).start());
    }

    @Test
    void listingsByDispensaryAndSpecialistFollowTheLocalDay() {
        Slot slot = firstFreeSlot("dr.cardio");
        Appointment booked = scheduler.bookings().book(COORDINATOR, request(slot, "pat-1"), key());

        Function<LocalDate, List<Appointment>> tinghir = d -> scheduler.bookings()
                .forDispensary("disp-tinghir", d, ma.tabiblink.scheduler.Fixtures.CASABLANCA);
        assertThat(tinghir.apply(CLINIC_DAY)).containsExactly(booked);
        assertThat(tinghir.apply(CLINIC_DAY.plusDays(1))).isEmpty();
        assertThat(scheduler.bookings().forDispensary("disp-azilal", CLINIC_DAY, ma.tabiblink.scheduler.Fixtures.CASABLANCA)).isEmpty();
        assertThat(scheduler.bookings().onDate(CLINIC_DAY, ma.tabiblink.scheduler.Fixtures.CASABLANCA)).containsExactly(booked);
        assertThat(scheduler.bookings().forSpecialist("dr.cardio", slot.start(), slot.end())).containsExactly(booked);
    }

    private static void expectCode(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SchedulingException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.getMessage()).isNotBlank();
        });
    }
}
