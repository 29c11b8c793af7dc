package ma.tabiblink.web.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;

import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import ma.tabiblink.scheduler.Actor;
import ma.tabiblink.scheduler.ActorRole;
import ma.tabiblink.scheduler.ReplicaAcknowledgement;
import ma.tabiblink.scheduler.Scheduler;
import ma.tabiblink.scheduler.SchedulerSettings;
import ma.tabiblink.scheduler.availability.Slot;
import ma.tabiblink.scheduler.availability.SlotGenerator;
import ma.tabiblink.scheduler.availability.SpecialistSchedule;
import ma.tabiblink.scheduler.availability.WeeklyRule;
import ma.tabiblink.scheduler.booking.BookingRequest;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.JedisSentineled;
import ma.tabiblink.ops.sentinel.SentinelTopology;

/**
 * Measures (does not assert) what waiting for a replica costs a booking: one coordinator books distinct free slots one
 * after another through {@code BookingService.book} (validation, the booking script, idempotency key) on the Sentinel
 * topology of the failover test, reached through the sentinels as the application reaches it, with
 * {@code min-replicas-acked} 0 and 1 alternating in blocks within the run (the first blocks of each are warm-up, not
 * counted). The REST layer is left out: it adds the same work to both and its noise on a shared machine would hide a
 * sub-millisecond difference. Not part of {@code mvn verify} (the class name matches none of surefire's test
 * patterns); {@code ops/scripts/bench-replica-ack.sh} runs it and collects the {@code replica-ack-result} lines.
 */
@Timeout(600)
class ReplicaAcknowledgementLatencyBenchmark {

    private static final int ROUNDS = Integer.getInteger("tabib.bench.rounds", 10);
    private static final int BLOCK = Integer.getInteger("tabib.bench.block", 50);
    private static final int WARMUP_ROUNDS = 2;
    private static final int SPECIALISTS = 10;
    private static final int DAYS = 28;
    private static final String SPECIALTY = "cardiology";
    private static final ZoneId CASABLANCA = ZoneId.of("Africa/Casablanca");
    private static final ReplicaAcknowledgement ONE_REPLICA = new ReplicaAcknowledgement(1, Duration.ofSeconds(1));

    private static SentinelTopology topology;
    private static JedisSentineled redis;

    @BeforeAll
    static void startTopology() {
        Assumptions.assumeTrue(SentinelTopology.unavailableReason().isEmpty(),
                () -> SentinelTopology.unavailableReason().orElse(""));
        topology = SentinelTopology.start(1);
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(4);
        redis = new JedisSentineled(SentinelTopology.MASTER_NAME, DefaultJedisClientConfig.builder().build(), pool,
                Set.copyOf(topology.sentinelAddresses()), DefaultJedisClientConfig.builder().build());
    }

    @AfterAll
    static void stopTopology() {
        if (redis != null) {
            redis.close();
        }
        if (topology != null) {
            topology.close();
        }
    }

    @Test
    void bookingLatencyWithAndWithoutAReplicaAcknowledgement() {
        Scheduler unacknowledged = new Scheduler(redis, Clock.systemUTC(), SchedulerSettings.DEFAULTS);
        Scheduler acknowledged = new Scheduler(redis, Clock.systemUTC(), withAcknowledgement(ONE_REPLICA));
        Queue<Slot> free = seed(unacknowledged);
        assertThat(free).as("free slots for every booking").hasSizeGreaterThanOrEqualTo(2 * ROUNDS * BLOCK);

        Actor coordinator = new Actor("bench-coord", ActorRole.COORDINATOR, null);
        List<Long> withoutNanos = new ArrayList<>();
        List<Long> withNanos = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            // which setting goes first alternates, so that neither always follows the other
            boolean acknowledgedFirst = round % 2 == 1;
            for (boolean acked : acknowledgedFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
                long[] block = bookBlock(acked ? acknowledged : unacknowledged, coordinator, free);
                if (round >= WARMUP_ROUNDS) {
                    Arrays.stream(block).forEach((acked ? withNanos : withoutNanos)::add);
                }
            }
        }
        print("0", withoutNanos);
        print("1", withNanos);
    }

    private static long[] bookBlock(Scheduler scheduler, Actor coordinator, Queue<Slot> free) {
        long[] nanos = new long[BLOCK];
        for (int i = 0; i < BLOCK; i++) {
            Slot slot = free.remove();
            BookingRequest request = new BookingRequest(slot.specialistId(), SPECIALTY, slot.start(),
                    "pat-bench-" + UUID.randomUUID(), "disp-bench");
            long began = System.nanoTime();
            scheduler.bookings().book(coordinator, request, UUID.randomUUID().toString());
            nanos[i] = System.nanoTime() - began;
        }
        return nanos;
    }

    private static void print(String minReplicasAcked, List<Long> nanos) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "replica-ack-result min_replicas_acked=%s bookings=%d p50_us=%d p90_us=%d "
                        + "p99_us=%d max_us=%d mean_us=%d%n", minReplicasAcked, sorted.length,
                percentile(sorted, 50) / 1000, percentile(sorted, 90) / 1000, percentile(sorted, 99) / 1000,
                sorted[sorted.length - 1] / 1000, (long) Arrays.stream(sorted).average().orElse(0) / 1000);
    }

    /** Nearest rank. */
    private static long percentile(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    private static SchedulerSettings withAcknowledgement(ReplicaAcknowledgement acknowledgement) {
        SchedulerSettings d = SchedulerSettings.DEFAULTS;
        return new SchedulerSettings(d.holdDuration(), d.reminderOffsets(), d.waitlistMode(), d.waitlistOfferDuration(),
                d.idempotencyRetention(), d.reminderLease(), d.reminderLateTolerance(), d.workerInterval(),
                acknowledgement);
    }

    /** Weekday clinics for a few specialists over four weeks from a week on Monday; their slots in order. */
    private static Queue<Slot> seed(Scheduler scheduler) {
        LocalDate from = LocalDate.now(CASABLANCA).with(TemporalAdjusters.next(DayOfWeek.MONDAY)).plusWeeks(1);
        List<WeeklyRule> weekdays = new ArrayList<>();
        for (DayOfWeek day : List.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY,
                DayOfWeek.FRIDAY)) {
            weekdays.add(new WeeklyRule(day, LocalTime.of(9, 0), LocalTime.of(12, 0)));
            weekdays.add(new WeeklyRule(day, LocalTime.of(14, 0), LocalTime.of(17, 0)));
        }
        Queue<Slot> slots = new ArrayDeque<>();
        for (int i = 0; i < SPECIALISTS; i++) {
            SpecialistSchedule schedule = new SpecialistSchedule(String.format(Locale.ROOT, "bench-%02d", i),
                    Set.of(SPECIALTY), CASABLANCA, weekdays, List.of());
            scheduler.availability().save(schedule);
            slots.addAll(SlotGenerator.generate(schedule, SPECIALTY, scheduler.availability().policy(SPECIALTY), from,
                    from.plusDays(DAYS - 1)));
        }
        return slots;
    }
}
