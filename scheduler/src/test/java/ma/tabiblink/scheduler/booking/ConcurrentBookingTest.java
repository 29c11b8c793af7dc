package ma.tabiblink.scheduler.booking;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import ma.tabiblink.scheduler.Actor;
import ma.tabiblink.scheduler.ActorRole;
import ma.tabiblink.scheduler.ErrorCode;
import ma.tabiblink.scheduler.SchedulerKeys;
import ma.tabiblink.scheduler.SchedulerTestSupport;
import ma.tabiblink.scheduler.SchedulingException;
import ma.tabiblink.scheduler.availability.Slot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ConcurrentBookingTest extends SchedulerTestSupport {

    @Test
    void twoHundredConcurrentAttemptsOnOneSlotBookExactlyOneAndRefuseTheRestWithTheNextFreeSlots() throws Exception {
        Slot slot = firstFreeSlot("dr.cardio");
        List<Object> outcomes = race(200, i -> scheduler.bookings().book(
                new Actor("coord" + i, ActorRole.COORDINATOR, null), request(slot, "pat-" + i), "key-" + i));

        List<Appointment> booked = outcomes.stream().filter(Appointment.class::isInstance)
                .map(Appointment.class::cast).toList();
        List<SchedulingException> refused = outcomes.stream().filter(SchedulingException.class::isInstance)
                .map(SchedulingException.class::cast).toList();
        assertThat(booked).hasSize(1);
        assertThat(booked.get(0).status()).isEqualTo(AppointmentStatus.BOOKED);
        assertThat(refused).hasSize(199).allSatisfy(e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.SLOT_TAKEN);
            @SuppressWarnings("unchecked")
            List<Slot> next = (List<Slot>) e.details().get("nextFreeSlots");
            assertThat(next).isNotEmpty().noneMatch(s -> s.start().equals(slot.start()) && s.specialistId().equals("dr.cardio"));
        });
        assertThat(redis.zcard(SchedulerKeys.specialistBusy("dr.cardio"))).isEqualTo(1);
        assertThat(freeSlots("dr.cardio", CLINIC_DAY)).noneMatch(s -> s.start().equals(slot.start()));
    }

    @Test
    void onePatientBookedConcurrentlyWithTwoSpecialistsAtTheSameTimeGetsOneAppointment() throws Exception {
        Slot cardio = firstFreeSlot("dr.cardio");
        Slot heart = firstFreeSlot("dr.heart");
        assertThat(heart.start()).isEqualTo(cardio.start());

        List<Object> outcomes = race(40, i -> scheduler.bookings().book(
                new Actor("coord" + i, ActorRole.COORDINATOR, null),
                request(i % 2 == 0 ? cardio : heart, "pat-same"), "key-" + i));

        assertThat(outcomes.stream().filter(Appointment.class::isInstance)).hasSize(1);
        assertThat(outcomes.stream().filter(SchedulingException.class::isInstance)
                .map(o -> ((SchedulingException) o).code()))
                .hasSize(39)
                .allMatch(code -> code == ErrorCode.PATIENT_BUSY || code == ErrorCode.SLOT_TAKEN);
    }

    @Test
    void concurrentRetriesOfOneRequestWithOneIdempotencyKeyCreateOneAppointment() throws Exception {
        Slot slot = firstFreeSlot("dr.cardio");
        List<Object> outcomes = race(50, i -> scheduler.bookings().book(
                new Actor("coord1", ActorRole.COORDINATOR, null), request(slot, "pat-1"), "tablet-retry-1"));

        Set<String> ids = ConcurrentHashMap.newKeySet();
        outcomes.forEach(o -> ids.add(((Appointment) o).id()));
        assertThat(ids).hasSize(1);
        assertThat(redis.zcard(SchedulerKeys.allAppointments())).isEqualTo(1);
    }

    private interface Attempt {
        Object run(int i);
    }

    /** Runs {@code n} attempts released at the same instant; each yields its result or its SchedulingException. */
    private static List<Object> race(int n, Attempt attempt) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Object>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                Callable<Object> task = () -> {
                    go.await(10, TimeUnit.SECONDS);
                    try {
                        return attempt.run(index);
                    } catch (SchedulingException e) {
                        return e;
                    }
                };
                futures.add(pool.submit(task));
            }
            go.countDown();
            List<Object> results = new ArrayList<>();
            for (Future<Object> f : futures) {
                results.add(f.get(30, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
