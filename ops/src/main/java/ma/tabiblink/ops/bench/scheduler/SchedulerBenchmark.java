package ma.tabiblink.ops.bench.scheduler;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;

import ma.tabiblink.scheduler.Actor;
import ma.tabiblink.scheduler.ActorRole;
import ma.tabiblink.scheduler.ErrorCode;
import ma.tabiblink.scheduler.Scheduler;
import ma.tabiblink.scheduler.SchedulerKeys;
import ma.tabiblink.scheduler.SchedulerSettings;
import ma.tabiblink.scheduler.SchedulingException;
import ma.tabiblink.scheduler.availability.Slot;
import ma.tabiblink.scheduler.availability.SlotGenerator;
import ma.tabiblink.scheduler.availability.SpecialistSchedule;
import ma.tabiblink.scheduler.availability.WeeklyRule;
import ma.tabiblink.scheduler.booking.BookingRequest;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.resps.Tuple;

/**
 * Booking throughput and latency under contention: coordinator threads book random slots of a shared pool through
 * {@code BookingService.book} (validation, the booking Lua script, idempotency, conflict answers with the next free
 * slots), then every specialist's busy set is checked for overlaps. It uses (and empties) one logical database of the
 * given Redis.
 *
 * <p>Usage: {@code SchedulerBenchmark [--redis host:port] [--db 15] [--threads 16] [--specialists 40] [--days 20]
 * [--attempts N] [--warmup N] [--passes 1]}; attempts and warm-up default to one attempt per slot of the pool. Each
 * of the measured passes books its own fresh pool; the rate is over all of them. Prints one {@code RESULT} line.
 */
public final class SchedulerBenchmark {

    private static final ZoneId ZONE = ZoneId.of("Africa/Casablanca");
    private static final String SPECIALTY = "cardiology";

    private record Options(String host, int port, int db, int threads, int specialists, int days, long attempts,
                           long warmup, int passes) {

        static Options parse(String[] args) {
            String host = "127.0.0.1";
            int port = 6379;
            int db = 15;
            int threads = 16;
            int specialists = 40;
            int days = 20;
            long attempts = -1;
            long warmup = -1;
            int passes = 1;
            for (int i = 0; i < args.length; i += 2) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + args[i]);
                }
                String value = args[i + 1];
                switch (args[i]) {
                    case "--redis" -> {
                        host = value.substring(0, value.lastIndexOf(':'));
                        port = Integer.parseInt(value.substring(value.lastIndexOf(':') + 1));
                    }
                    case "--db" -> db = Integer.parseInt(value);
                    case "--threads" -> threads = Integer.parseInt(value);
                    case "--specialists" -> specialists = Integer.parseInt(value);
                    case "--days" -> days = Integer.parseInt(value);
                    case "--attempts" -> attempts = Long.parseLong(value);
                    case "--warmup" -> warmup = Long.parseLong(value);
                    case "--passes" -> passes = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
            if (passes < 1) {
                throw new IllegalArgumentException("--passes is at least 1");
            }
            return new Options(host, port, db, threads, specialists, days, attempts, warmup, passes);
        }
    }

    private record Outcome(long attempts, long booked, long conflicts, long other, double seconds, Histogram latency) {

        Outcome plus(Outcome next) {
            Histogram both = latency.copy();
            both.add(next.latency());
            return new Outcome(attempts + next.attempts(), booked + next.booked(), conflicts + next.conflicts(),
                    other + next.other(), seconds + next.seconds(), both);
        }
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("SchedulerBenchmark: " + e.getMessage());
            System.exit(2);
            return;
        }
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(options.threads() + 4);
        pool.setMaxIdle(options.threads() + 4);
        try (JedisPooled redis = new JedisPooled(pool, new HostAndPort(options.host(), options.port()),
                DefaultJedisClientConfig.builder().database(options.db()).build())) {
            redis.flushDB();
            try {
                run(redis, options);
            } finally {
                redis.flushDB();
            }
        }
    }

    private static void run(JedisPooled redis, Options options) throws InterruptedException {
        Scheduler scheduler = new Scheduler(redis, Clock.systemUTC(), SchedulerSettings.DEFAULTS);
        LocalDate from = LocalDate.now(ZONE).with(TemporalAdjusters.next(DayOfWeek.MONDAY)).plusWeeks(1);
        LocalDate to = from.plusDays(options.days() - 1);

        // The warm-up books a pool of the same shape on other specialists, so the compiler has seen the same mix of
        // bookings and conflict answers before the measured pass starts.
        List<Slot> warmupPool = seed(scheduler, "warm", options.specialists(), from, to);
        // Each measured pass books a fresh pool of the same shape, so every pass starts from free calendars.
        List<List<Slot>> measuredPools = new ArrayList<>();
        for (int p = 0; p < options.passes(); p++) {
            measuredPools.add(seed(scheduler, "spec" + p, options.specialists(), from, to));
        }
        List<Slot> measuredPool = measuredPools.get(0);
        long attempts = options.attempts() > 0 ? options.attempts() : measuredPool.size();
        long warmup = options.warmup() >= 0 ? options.warmup() : warmupPool.size();

        hammer(scheduler, warmupPool, options.threads(), warmup, "w");
        Outcome outcome = null;
        for (int p = 0; p < options.passes(); p++) {
            Outcome pass = hammer(scheduler, measuredPools.get(p), options.threads(), attempts, "m" + p);
            outcome = outcome == null ? pass : outcome.plus(pass);
        }

        long doubleBookings = 0;
        long busyEntries = 0;
        for (int p = 0; p < options.passes(); p++) {
            for (int i = 0; i < options.specialists(); i++) {
                List<Tuple> busy = redis.zrangeWithScores(
                        SchedulerKeys.specialistBusy(specialistId("spec" + p, i)), 0, -1);
                busyEntries += busy.size();
                long previousEnd = Long.MIN_VALUE;
                for (Tuple entry : busy) {
                    if ((long) entry.getScore() < previousEnd) {
                        doubleBookings++;
                    }
                    previousEnd = Math.max(previousEnd, Long.parseLong(entry.getElement().split("\\|")[1]));
                }
            }
        }
        if (busyEntries != outcome.booked()) {
            doubleBookings += Math.abs(busyEntries - outcome.booked());
        }
        Histogram h = outcome.latency();
        System.out.printf(Locale.ROOT,
                "RESULT attempts=%d booked=%d conflicts=%d other_errors=%d slots=%d passes=%d threads=%d seconds=%.2f "
                        + "attempts_per_s=%.0f bookings_per_s=%.0f p50_us=%d p90_us=%d p99_us=%d max_us=%d "
                        + "double_bookings=%d%n",
                outcome.attempts(), outcome.booked(), outcome.conflicts(), outcome.other(), measuredPool.size(),
                options.passes(), options.threads(), outcome.seconds(), outcome.attempts() / outcome.seconds(),
                outcome.booked() / outcome.seconds(), h.getValueAtPercentile(50) / 1000,
                h.getValueAtPercentile(90) / 1000, h.getValueAtPercentile(99) / 1000, h.getMaxValue() / 1000,
                doubleBookings);
        if (doubleBookings != 0 || outcome.other() != 0) {
            System.exit(1);
        }
    }

    private static List<Slot> seed(Scheduler scheduler, String prefix, int count, LocalDate from, LocalDate to) {
        List<WeeklyRule> weekdays = new ArrayList<>();
        for (DayOfWeek day : List.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY,
                DayOfWeek.FRIDAY)) {
            weekdays.add(new WeeklyRule(day, LocalTime.of(9, 0), LocalTime.of(12, 0)));
            weekdays.add(new WeeklyRule(day, LocalTime.of(14, 0), LocalTime.of(17, 0)));
        }
        List<Slot> slots = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SpecialistSchedule schedule = new SpecialistSchedule(specialistId(prefix, i), Set.of(SPECIALTY), ZONE,
                    weekdays, List.of());
            scheduler.availability().save(schedule);
            slots.addAll(SlotGenerator.generate(schedule, SPECIALTY, scheduler.availability().policy(SPECIALTY), from, to));
        }
        return slots;
    }

    private static String specialistId(String prefix, int i) {
        return String.format(Locale.ROOT, "%s-%03d", prefix, i);
    }

    /** {@code threads} coordinators book random slots of {@code pool} until {@code total} attempts are made. */
    private static Outcome hammer(Scheduler scheduler, List<Slot> pool, int threads, long total, String tag)
            throws InterruptedException {
        AtomicLong issued = new AtomicLong();
        AtomicLong booked = new AtomicLong();
        AtomicLong conflicts = new AtomicLong();
        AtomicLong other = new AtomicLong();
        Histogram latency = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(30), 3);
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            Actor coordinator = new Actor("bench-coord-" + t, ActorRole.COORDINATOR, null);
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    long n;
                    while ((n = issued.getAndIncrement()) < total) {
                        Slot slot = pool.get(random.nextInt(pool.size()));
                        BookingRequest request = new BookingRequest(slot.specialistId(), SPECIALTY, slot.start(),
                                "pat-" + tag + n, "disp-bench");
                        long began = System.nanoTime();
                        try {
                            scheduler.bookings().book(coordinator, request, UUID.randomUUID().toString());
                            booked.incrementAndGet();
                        } catch (SchedulingException e) {
                            if (e.code() == ErrorCode.SLOT_TAKEN) {
                                conflicts.incrementAndGet();
                            } else {
                                other.incrementAndGet();
                            }
                        }
                        latency.recordValue(Math.min(System.nanoTime() - began, TimeUnit.SECONDS.toNanos(30)));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            }, "bench-" + tag + "-" + t);
            thread.start();
        }
        long began = System.nanoTime();
        start.countDown();
        done.await();
        double seconds = (System.nanoTime() - began) / 1e9;
        return new Outcome(total, booked.get(), conflicts.get(), other.get(), seconds, latency);
    }
}
