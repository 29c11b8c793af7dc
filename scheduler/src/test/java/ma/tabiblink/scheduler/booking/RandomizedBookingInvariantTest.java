package ma.tabiblink.scheduler.booking;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import ma.tabiblink.scheduler.Actor;
import ma.tabiblink.scheduler.ActorRole;
import ma.tabiblink.scheduler.ErrorCode;
import ma.tabiblink.scheduler.SchedulerKeys;
import ma.tabiblink.scheduler.SchedulerTestSupport;
import ma.tabiblink.scheduler.SchedulingException;
import ma.tabiblink.scheduler.availability.Slot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

/**
 * Several threads hammer a few dozen slots and patients with random holds, bookings, confirmations, cancellations,
 * reschedules and hold expiries while the clock moves; then an invariant checker reads Redis back.
 */
@Timeout(120)
class RandomizedBookingInvariantTest extends SchedulerTestSupport {

    private static final int THREADS = 6;
    private static final int OPERATIONS_PER_THREAD = 700;
    private static final int PATIENTS = 25;
    private static final Set<ErrorCode> EXPECTED_REFUSALS = Set.of(ErrorCode.SLOT_TAKEN, ErrorCode.PATIENT_BUSY,
            ErrorCode.HOLD_EXPIRED, ErrorCode.INVALID_TRANSITION);

    private final Set<String> created = ConcurrentHashMap.newKeySet();
    private final Set<String> cancelledByUs = ConcurrentHashMap.newKeySet();
    private final Set<String> bookedByUs = ConcurrentHashMap.newKeySet();
    private final List<String> known = new CopyOnWriteArrayList<>();
    private final List<Throwable> unexpected = new CopyOnWriteArrayList<>();
    private final AtomicInteger succeeded = new AtomicInteger();

    @Test
    void thousandsOfRandomOperationsFromSeveralThreadsLeaveNoOverlapAndNoLostAppointment() throws Exception {
        List<Slot> slots = new ArrayList<>();
        for (String specialist : List.of("dr.cardio", "dr.heart", "dr.pedia")) {
            slots.addAll(freeSlots(specialist, CLINIC_DAY));
            slots.addAll(freeSlots(specialist, CLINIC_DAY.plusDays(1)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
        AtomicBoolean running = new AtomicBoolean(true);
        try {
            Future<?> sweeper = pool.submit(() -> {
                while (running.get()) {
                    scheduler.bookings().expireHolds();
                    Thread.onSpinWait();
                }
                return null;
            });
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                long seed = 20260215L + t;
                workers.add(pool.submit(() -> {
                    work(new SplittableRandom(seed), slots);
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get(100, TimeUnit.SECONDS);
            }
            running.set(false);
            sweeper.get(10, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        scheduler.bookings().expireHolds();

        assertThat(unexpected).isEmpty();
        assertThat(THREADS * OPERATIONS_PER_THREAD).isGreaterThanOrEqualTo(4000);
        assertThat(succeeded.get()).isGreaterThan(500);
        checkInvariants(slots);
    }

    private void work(SplittableRandom random, List<Slot> slots) {
        Actor actor = new Actor("coord-" + Thread.currentThread().getId(), ActorRole.COORDINATOR, null);
        for (int i = 0; i < OPERATIONS_PER_THREAD; i++) {
            Slot slot = slots.get(random.nextInt(slots.size()));
            String patient = "pat-" + random.nextInt(PATIENTS);
            int dice = random.nextInt(100);
            try {
                if (dice < 30) {
                    Appointment a = scheduler.bookings().book(actor, request(slot, patient), key());
                    remember(a);
                    bookedByUs.add(a.id());
                } else if (dice < 45) {
                    remember(scheduler.bookings().hold(actor, request(slot, patient), key()));
                } else if (dice < 55 && !known.isEmpty()) {
                    Appointment a = scheduler.bookings().confirm(actor, pick(random));
                    bookedByUs.add(a.id());
                    succeeded.incrementAndGet();
                } else if (dice < 72 && !known.isEmpty()) {
                    String id = pick(random);
                    Appointment before = scheduler.bookings().require(id);
                    scheduler.bookings().cancel(actor, id, "random");
                    if (before.status() != AppointmentStatus.CANCELLED) {
                        cancelledByUs.add(id);
                    }
                    succeeded.incrementAndGet();
                } else if (dice < 92 && !known.isEmpty()) {
                    String id = pick(random);
                    Appointment a = scheduler.bookings().require(id);
                    List<Slot> sameSpecialty = slots.stream().filter(s -> s.specialty().equals(a.specialty())).toList();
                    Slot target = sameSpecialty.get(random.nextInt(sameSpecialty.size()));
                    scheduler.bookings().reschedule(actor, id, target.specialistId(), target.start());
                    succeeded.incrementAndGet();
                } else {
                    clock.advance(Duration.ofSeconds(20 + random.nextInt(40)));
                }
            } catch (SchedulingException e) {
                if (!EXPECTED_REFUSALS.contains(e.code())) {
                    unexpected.add(e);
                }
            } catch (RuntimeException e) {
                unexpected.add(e);
            }
        }
    }

    private void remember(Appointment appointment) {
        created.add(appointment.id());
        known.add(appointment.id());
        succeeded.incrementAndGet();
    }

    private String pick(SplittableRandom random) {
        return known.get(random.nextInt(known.size()));
    }

    private void checkInvariants(List<Slot> slots) {
        Instant now = clock.instant();
        Set<String> stored = new HashSet<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = redis.scan(cursor, new ScanParams().match(SchedulerKeys.PREFIX + "appt:*").count(500));
            page.getResult().stream().filter(k -> !k.endsWith(":history"))
                    .forEach(k -> stored.add(k.substring((SchedulerKeys.PREFIX + "appt:").length())));
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        assertThat(stored).as("no lost and no phantom appointments").isEqualTo(created);

        Set<String> slotKeys = new HashSet<>();
        slots.forEach(s -> slotKeys.add(s.specialistId() + "@" + s.start()));
        Map<String, List<Appointment>> bySpecialist = new HashMap<>();
        Map<String, List<Appointment>> byPatient = new HashMap<>();
        Map<String, Set<String>> expectedBusy = new HashMap<>();
        for (String id : created) {
            Appointment a = scheduler.bookings().require(id);
            List<HistoryEntry> history = scheduler.bookings().history(id);
            assertThat(history.get(history.size() - 1).toStatus()).isEqualTo(a.status().code());
            assertThat(slotKeys).contains(a.specialistId() + "@" + a.start());
            if (cancelledByUs.contains(id)) {
                assertThat(a.status()).as(id).isEqualTo(AppointmentStatus.CANCELLED);
            } else if (bookedByUs.contains(id)) {
                assertThat(a.status()).as(id).isEqualTo(AppointmentStatus.BOOKED);
            } else {
                assertThat(a.status()).as(id).isIn(AppointmentStatus.PENDING, AppointmentStatus.CANCELLED);
            }
            if (a.status() == AppointmentStatus.PENDING) {
                assertThat(a.holdExpiresAt()).as("expired holds are swept").isAfter(now);
            }
            if (a.status().occupiesTime()) {
                bySpecialist.computeIfAbsent(a.specialistId(), k -> new ArrayList<>()).add(a);
                byPatient.computeIfAbsent(a.patientRef(), k -> new ArrayList<>()).add(a);
                expectedBusy.computeIfAbsent(SchedulerKeys.specialistBusy(a.specialistId()), k -> new HashSet<>()).add(a.id());
                expectedBusy.computeIfAbsent(SchedulerKeys.patientBusy(a.patientRef()), k -> new HashSet<>()).add(a.id());
                String reminders = redis.hget(SchedulerKeys.appointment(id), "reminders");
                if (a.status() == AppointmentStatus.BOOKED) {
                    for (String member : reminders.split(",")) {
                        assertThat(redis.zscore(SchedulerKeys.remindersDue(), member)).isNotNull();
                    }
                }
            }
        }
        bySpecialist.values().forEach(RandomizedBookingInvariantTest::assertNoOverlap);
        assertSearchesOfferExactlyTheUnoccupiedSlots(slots, bySpecialist);
        byPatient.values().forEach(RandomizedBookingInvariantTest::assertNoOverlap);

        for (String key : redis.keys(SchedulerKeys.PREFIX + "busy:*")) {
            Set<String> ids = new HashSet<>();
            for (Tuple entry : redis.zrangeWithScores(key, 0, -1)) {
                assertThat(ids.add(entry.getElement().split("\\|")[0])).as("one entry per appointment").isTrue();
            }
            assertThat(ids).as(key).isEqualTo(expectedBusy.getOrDefault(key, Set.of()));
        }
        for (String member : redis.zrange(SchedulerKeys.remindersDue(), 0, -1)) {
            Appointment a = scheduler.bookings().require(member.split("\\|")[0]);
            assertThat(a.status()).as("reminders only for bookings").isEqualTo(AppointmentStatus.BOOKED);
            assertThat(member.split("\\|")[2]).isEqualTo(Long.toString(a.start().toEpochMilli()));
        }
    }

    private void assertSearchesOfferExactlyTheUnoccupiedSlots(List<Slot> slots,
                                                             Map<String, List<Appointment>> bySpecialist) {
        Set<String> offered = new HashSet<>();
        for (String specialist : slots.stream().map(Slot::specialistId).distinct().toList()) {
            for (LocalDate day : List.of(CLINIC_DAY, CLINIC_DAY.plusDays(1))) {
                freeSlots(specialist, day).forEach(s -> offered.add(s.specialistId() + "@" + s.start()));
            }
        }
        Set<String> unoccupied = new HashSet<>();
        for (Slot slot : slots) {
            boolean occupied = bySpecialist.getOrDefault(slot.specialistId(), List.of()).stream()
                    .anyMatch(a -> a.start().isBefore(slot.end()) && a.end().isAfter(slot.start()));
            if (!occupied) {
                unoccupied.add(slot.specialistId() + "@" + slot.start());
            }
        }
        assertThat(offered).isEqualTo(unoccupied);
    }

    private static void assertNoOverlap(List<Appointment> appointments) {
        List<Appointment> sorted = new ArrayList<>(appointments);
        sorted.sort((x, y) -> x.start().compareTo(y.start()));
        for (int i = 1; i < sorted.size(); i++) {
            assertThat(sorted.get(i).start()).as("overlap between %s and %s", sorted.get(i - 1), sorted.get(i))
                    .isAfterOrEqualTo(sorted.get(i - 1).end());
        }
    }
}
