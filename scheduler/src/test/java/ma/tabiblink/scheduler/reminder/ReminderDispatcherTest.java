package ma.tabiblink.scheduler.reminder;

import static ma.tabiblink.scheduler.Fixtures.COORDINATOR;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import ma.tabiblink.scheduler.Scheduler;
import ma.tabiblink.scheduler.SchedulerKeys;
import ma.tabiblink.scheduler.SchedulerSettings;
import ma.tabiblink.scheduler.SchedulerTestSupport;
import ma.tabiblink.scheduler.availability.Slot;
import ma.tabiblink.scheduler.booking.Appointment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.resps.Tuple;

@Timeout(60)
class ReminderDispatcherTest extends SchedulerTestSupport {

    private final List<Reminder> delivered = new CopyOnWriteArrayList<>();
    private final ReminderChannel recording = delivered::add;

    @Test
    void remindersGoOutTwentyFourHoursAndOneHourBeforeTheStartOnTime() {
        Slot slot = firstFreeSlot("dr.cardio");
        Appointment booked = scheduler.bookings().book(COORDINATOR, request(slot, "pat-1"), key());
        ReminderDispatcher dispatcher = scheduler.reminderDispatcher(recording);

        clock.set(slot.start().minus(Duration.ofHours(24)).minusSeconds(1));
        assertThat(dispatcher.pollOnce().handled()).isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(dispatcher.pollOnce().delivered()).isEqualTo(1);
        assertThat(dispatcher.pollOnce().handled()).isZero();
        clock.set(slot.start().minus(Duration.ofHours(1)));
        assertThat(dispatcher.pollOnce().delivered()).isEqualTo(1);

        assertThat(delivered).extracting(Reminder::offset).containsExactly(Duration.ofHours(24), Duration.ofHours(1));
        assertThat(delivered).allSatisfy(r -> {
            assertThat(r.appointmentId()).isEqualTo(booked.id());
            assertThat(r.late()).isFalse();
            assertThat(r.localStart().toLocalTime()).isEqualTo(java.time.LocalTime.of(9, 0));
        });
    }

    @Test
    void twoWorkersPollingTheSameQueueDeliverEachReminderExactlyOnce() throws Exception {
        int booked = 0;
        for (int day = 0; day < 5; day++) {
            for (String specialist : List.of("dr.cardio", "dr.heart", "dr.pedia")) {
                for (Slot slot : freeSlots(specialist, CLINIC_DAY.plusDays(day))) {
                    scheduler.bookings().book(COORDINATOR, request(slot, "pat-" + booked++), key());
                }
            }
        }
        long queued = redis.zcard(SchedulerKeys.remindersDue());
        assertThat(queued).isEqualTo(booked * 2L);
        Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
        ReminderChannel slowCounting = r -> {
            deliveries.computeIfAbsent(r.id(), id -> new AtomicInteger()).incrementAndGet();
            Thread.onSpinWait();
        };
        ReminderDispatcher first = scheduler.reminderDispatcher(slowCounting);
        ReminderDispatcher second = new Scheduler(redis, clock, SchedulerSettings.DEFAULTS).reminderDispatcher(slowCounting);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            while (true) {
                List<Tuple> next = redis.zrangeWithScores(SchedulerKeys.remindersDue(), 0, 0);
                if (next.isEmpty()) {
                    break;
                }
                clock.set(Instant.ofEpochMilli((long) next.get(0).getScore()));
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> rounds = new ArrayList<>();
                for (ReminderDispatcher d : List.of(first, second)) {
                    rounds.add(pool.submit(() -> {
                        go.await(5, TimeUnit.SECONDS);
                        while (d.pollOnce().handled() > 0) {
                            Thread.onSpinWait();
                        }
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> round : rounds) {
                    round.get(10, TimeUnit.SECONDS);
                }
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(deliveries).hasSize((int) queued);
        assertThat(deliveries.values()).allMatch(count -> count.get() == 1);
        assertThat(redis.zcard(SchedulerKeys.remindersProcessing())).isZero();
    }

    @Test
    void remindersSurviveARestartOfTheApplication() {
        Slot slot = firstFreeSlot("dr.cardio");
        scheduler.bookings().book(COORDINATOR, request(slot, "pat-1"), key());

        // Nothing of the first instance survives but Redis.
        Scheduler restarted = new Scheduler(redis, clock, SchedulerSettings.DEFAULTS);
        clock.set(slot.start().minus(Duration.ofHours(1)));
        ReminderDispatcher.PollResult result = restarted.reminderDispatcher(recording).pollOnce();

        assertThat(result.delivered()).isEqualTo(1);
        assertThat(result.skipped()).isEqualTo(1);
        assertThat(delivered).singleElement().satisfies(r -> assertThat(r.offset()).isEqualTo(Duration.ofHours(1)));
    }

    @Test
    void aReminderClaimedByAWorkerThatDiedIsDeliveredOnceByAnotherAfterTheLease() throws Exception {
        Slot slot = firstFreeSlot("dr.cardio");
        scheduler.bookings().book(COORDINATOR, request(slot, "pat-1"), key());
        clock.set(slot.start().minus(Duration.ofHours(24)));
        CountDownLatch claimed = new CountDownLatch(1);
        CountDownLatch killed = new CountDownLatch(1);
        ReminderDispatcher dying = scheduler.reminderDispatcher(r -> {
            claimed.countDown();
            try {
                killed.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("node died before sending");
        });
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<ReminderDispatcher.PollResult> stuck = pool.submit(dying::pollOnce);
            assertThat(claimed.await(10, TimeUnit.SECONDS)).isTrue();
            ReminderDispatcher survivor = new Scheduler(redis, clock, SchedulerSettings.DEFAULTS).reminderDispatcher(recording);
            assertThat(survivor.pollOnce().handled()).isZero();

            clock.advance(SchedulerSettings.DEFAULTS.reminderLease().plusSeconds(1));
            assertThat(survivor.pollOnce().delivered()).isEqualTo(1);
            killed.countDown();
            stuck.get(10, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }

        assertThat(delivered).hasSize(1);
        assertThat(redis.zcard(SchedulerKeys.remindersFailed())).isZero();
        assertThat(scheduler.reminderDispatcher(recording).pollOnce().handled()).isZero();
    }

    @Test
    void cancellingDropsTheRemindersAndReschedulingMovesThem() {
        List<Slot> day = freeSlots("dr.cardio", CLINIC_DAY);
        Appointment cancelled = scheduler.bookings().book(COORDINATOR, request(day.get(0), "pat-1"), key());
        Appointment moved = scheduler.bookings().book(COORDINATOR, request(day.get(1), "pat-2"), key());
        scheduler.bookings().cancel(COORDINATOR, cancelled.id(), null);
        Slot later = freeSlots("dr.cardio", CLINIC_DAY.plusDays(1)).get(0);
        scheduler.bookings().reschedule(COORDINATOR, moved.id(), null, later.start());
        ReminderDispatcher dispatcher = scheduler.reminderDispatcher(recording);

        clock.set(day.get(1).start().minus(Duration.ofMinutes(59)));
        assertThat(dispatcher.pollOnce().handled()).isZero();
        clock.set(later.start().minus(Duration.ofHours(24)));
        dispatcher.pollOnce();
        clock.set(later.start().minus(Duration.ofHours(1)));
        dispatcher.pollOnce();

        assertThat(delivered).extracting(Reminder::appointmentId).containsOnly(moved.id());
        assertThat(delivered).extracting(Reminder::appointmentStart).containsOnly(later.start());
        assertThat(delivered).extracting(Reminder::offset).containsExactly(Duration.ofHours(24), Duration.ofHours(1));
        assertThat(redis.zcard(SchedulerKeys.remindersDue())).isZero();
    }

    @Test
    void afterDowntimeOverdueRemindersSayTheyAreLateAndNeverFireInABurst() {
        List<Slot> day = freeSlots("dr.cardio", CLINIC_DAY);
        Appointment soon = scheduler.bookings().book(COORDINATOR, request(day.get(2), "pat-1"), key());
        scheduler.bookings().book(COORDINATOR, request(day.get(0), "pat-2"), key());

        // Every node was down from before the 24 h reminders until half an hour before the third slot.
        clock.set(day.get(2).start().minus(Duration.ofMinutes(30)));
        ReminderDispatcher.PollResult result = scheduler.reminderDispatcher(recording).pollOnce();

        // Slot 0 already started: both its reminders are dropped. Slot 2: only the 1 h one goes, flagged late.
        assertThat(result.delivered()).isEqualTo(1);
        assertThat(result.late()).isEqualTo(1);
        assertThat(result.skipped()).isEqualTo(3);
        assertThat(delivered).singleElement().satisfies(r -> {
            assertThat(r.appointmentId()).isEqualTo(soon.id());
            assertThat(r.offset()).isEqualTo(Duration.ofHours(1));
            assertThat(r.late()).isTrue();
            assertThat(r.lateBy()).isEqualTo(Duration.ofMinutes(30));
        });
    }

    @Test
    void aReminderWhoseChannelGivesUpIsRecordedAsFailedAndNotRetriedForever() {
        Slot slot = firstFreeSlot("dr.cardio");
        scheduler.bookings().book(COORDINATOR, request(slot, "pat-1"), key());
        clock.set(slot.start().minus(Duration.ofHours(24)));

        ReminderDispatcher.PollResult result = scheduler.reminderDispatcher(r -> {
            throw new ReminderDeliveryException("gateway down", null);
        }).pollOnce();

        assertThat(result.failed()).isEqualTo(1);
        assertThat(redis.zcard(SchedulerKeys.remindersFailed())).isEqualTo(1);
        assertThat(scheduler.reminderDispatcher(recording).pollOnce().handled()).isZero();
    }
}
