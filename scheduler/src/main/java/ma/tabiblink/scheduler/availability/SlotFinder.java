package ma.tabiblink.scheduler.availability;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import ma.tabiblink.scheduler.ErrorCode;
import ma.tabiblink.scheduler.SchedulerKeys;
import ma.tabiblink.scheduler.SchedulingException;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.Tuple;

/** Free slots: the schedules' generated slots minus live holds and bookings, future slots only. */
public final class SlotFinder {

    private static final long MAX_SLOT_MS = Duration.ofMinutes(SlotPolicy.MAX_SLOT_MINUTES).toMillis();

    private final UnifiedJedis redis;
    private final AvailabilityStore store;
    private final Clock clock;

    public SlotFinder(UnifiedJedis redis, AvailabilityStore store, Clock clock) {
        this.redis = redis;
        this.store = store;
        this.clock = clock;
    }

    public List<Slot> search(SlotQuery query) {
        List<SpecialistSchedule> schedules;
        if (query.specialistId() != null) {
            SpecialistSchedule schedule = store.require(query.specialistId());
            if (query.specialty() != null && !schedule.specialties().contains(query.specialty())) {
                throw notOffered(schedule, query.specialty());
            }
            schedules = List.of(schedule);
        } else {
            schedules = store.forSpecialty(query.specialty());
        }
        Map<String, SlotPolicy> policies = new HashMap<>();
        return free(schedules, query, specialty -> policies.computeIfAbsent(specialty, store::policy));
    }

    /** The free future slots of {@code schedules} in the query's dates, with each specialty's policy. */
    private List<Slot> free(List<SpecialistSchedule> schedules, SlotQuery query, Function<String, SlotPolicy> policyOf) {
        List<List<Slot>> candidates = new ArrayList<>();
        for (SpecialistSchedule schedule : schedules) {
            candidates.add(candidates(schedule, query, policyOf));
        }
        Instant now = clock.instant();
        return freeOf(withOccupancy(candidates, now), query, now);
    }

    private static List<Slot> candidates(SpecialistSchedule schedule, SlotQuery query,
                                         Function<String, SlotPolicy> policyOf) {
        List<Slot> own = new ArrayList<>();
        for (String specialty : query.specialty() != null ? List.of(query.specialty()) : List.copyOf(schedule.specialties())) {
            own.addAll(SlotGenerator.generate(schedule, specialty, policyOf.apply(specialty), query.from(), query.to()));
        }
        own.sort(Comparator.comparing(Slot::start));
        return own;
    }

    private static List<Slot> freeOf(List<List<Slot>> counted, SlotQuery query, Instant now) {
        List<Slot> free = new ArrayList<>();
        for (List<Slot> slots : counted) {
            for (Slot slot : slots) {
                if (slot.free() && slot.start().isAfter(now)) {
                    free.add(slot);
                }
            }
        }
        free.sort(Comparator.comparing(Slot::start).thenComparing(Slot::specialistId).thenComparing(Slot::specialty));
        return free.size() > query.limit() ? List.copyOf(free.subList(0, query.limit())) : List.copyOf(free);
    }

    /**
     * The time range (epoch ms) whose busy entries answer a conflict at {@code after} with the specialist's next free
     * slots of the next days: it holds every entry that can overlap a slot of the first search of
     * {@link #nextFree(ScheduleCache.Rules, String, Instant, int, List)}, whatever the schedule's zone.
     */
    public static long[] nextDaysBusyRange(Instant after) {
        return new long[] {after.minus(Duration.ofDays(3)).toEpochMilli() - MAX_SLOT_MS,
                after.plus(Duration.ofDays(5)).toEpochMilli()};
    }

    /**
     * The next {@code count} free slots of {@code specialty} from {@code after}: the same specialist's over the next
     * days first (the usual answer, and cheap), then their next two weeks, then any specialist's.
     */
    public List<Slot> nextFree(String specialistId, String specialty, Instant after, int count) {
        return nextFree(specialistId, specialty, after, count, this::search);
    }

    /**
     * As {@link #nextFree(String, String, Instant, int)} for the specialist of {@code rules}, whose own days are
     * generated from those rules rather than read again: a booking refused with SLOT_TAKEN has just had them confirmed
     * current by the booking script, and answering that conflict is the busiest use of this method. The first search
     * takes the specialist's busy entries from {@code busyNextDays} (member, score, member, score, ... as the busy set
     * holds them, read over {@link #nextDaysBusyRange}) instead of reading them again.
     */
    public List<Slot> nextFree(ScheduleCache.Rules rules, String specialty, Instant after, int count,
                               List<String> busyNextDays) {
        SpecialistSchedule schedule = rules.schedule();
        long[] range = nextDaysBusyRange(after);
        return nextFree(schedule.specialistId(), specialty, after, count, query -> {
            if (!schedule.specialistId().equals(query.specialistId())) {
                return search(query);
            }
            List<Slot> candidates = candidates(schedule, query, ignored -> rules.policy());
            Instant now = clock.instant();
            if (within(candidates, range)) {
                List<long[]> live = new ArrayList<>();
                for (int i = 0; i + 1 < busyNextDays.size(); i += 2) {
                    addIfLive(live, busyNextDays.get(i), (long) Double.parseDouble(busyNextDays.get(i + 1)),
                            now.toEpochMilli());
                }
                return freeOf(List.of(counted(candidates, live)), query, now);
            }
            return freeOf(withOccupancy(List.of(candidates), now), query, now);
        });
    }

    /** Whether every busy entry that can overlap one of {@code slots} starts within {@code range}. */
    private static boolean within(List<Slot> slots, long[] range) {
        if (slots.isEmpty()) {
            return true;
        }
        long to = slots.stream().mapToLong(s -> s.end().toEpochMilli()).max().orElseThrow();
        return slots.get(0).start().toEpochMilli() - MAX_SLOT_MS >= range[0] && to <= range[1];
    }

    private List<Slot> nextFree(String specialistId, String specialty, Instant after, int count,
                                Function<SlotQuery, List<Slot>> searcher) {
        LocalDate day = after.atZone(SpecialistSchedule.DEFAULT_ZONE).toLocalDate();
        List<Slot> found = List.of();
        List<SlotQuery> widening = new ArrayList<>();
        if (specialistId != null) {
            widening.add(new SlotQuery(specialty, specialistId, day.minusDays(1), day.plusDays(2), SlotQuery.MAX_LIMIT));
            widening.add(new SlotQuery(specialty, specialistId, day.minusDays(1), day.plusDays(15), SlotQuery.MAX_LIMIT));
        }
        widening.add(new SlotQuery(specialty, null, day.minusDays(1), day.plusDays(2), SlotQuery.MAX_LIMIT));
        widening.add(new SlotQuery(specialty, null, day.minusDays(1), day.plusDays(15), SlotQuery.MAX_LIMIT));
        for (SlotQuery query : widening) {
            found = searcher.apply(query).stream().filter(s -> !s.start().isBefore(after)).limit(count).toList();
            if (found.size() == count) {
                return found;
            }
        }
        return found;
    }

    /**
     * The slot of {@code schedule} for {@code specialty} starting exactly at {@code start}, with its current
     * occupancy; empty if the rules define no such slot.
     */
    public Optional<Slot> slotAt(SpecialistSchedule schedule, String specialty, Instant start) {
        if (!schedule.specialties().contains(specialty)) {
            throw notOffered(schedule, specialty);
        }
        return SlotGenerator.slotAt(schedule, specialty, store.policy(specialty), start)
                .map(s -> withOccupancy(List.of(List.of(s)), clock.instant()).get(0).get(0));
    }

    /** Counts live holds and bookings on each slot; one pipelined read of every specialist's busy set. */
    private List<List<Slot>> withOccupancy(List<List<Slot>> perSpecialist, Instant now) {
        List<Response<List<Tuple>>> replies = new ArrayList<>();
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (List<Slot> slots : perSpecialist) {
                if (slots.isEmpty()) {
                    replies.add(null);
                    continue;
                }
                long from = slots.get(0).start().toEpochMilli() - MAX_SLOT_MS;
                long to = slots.stream().mapToLong(s -> s.end().toEpochMilli()).max().orElseThrow();
                replies.add(pipeline.zrangeByScoreWithScores(
                        SchedulerKeys.specialistBusy(slots.get(0).specialistId()), from, to));
            }
            pipeline.sync();
        }
        long nowMs = now.toEpochMilli();
        List<List<Slot>> result = new ArrayList<>(perSpecialist.size());
        for (int i = 0; i < perSpecialist.size(); i++) {
            List<Tuple> busy = replies.get(i) == null ? List.of() : replies.get(i).get();
            List<long[]> live = new ArrayList<>();
            for (Tuple entry : busy) {
                addIfLive(live, entry.getElement(), (long) entry.getScore(), nowMs);
            }
            result.add(counted(perSpecialist.get(i), live));
        }
        return result;
    }

    /** Adds the interval of a busy entry ("id|endMs|holdExpiryMs", scored by its start) unless it is a lapsed hold. */
    private static void addIfLive(List<long[]> live, String member, long startMs, long nowMs) {
        String[] parts = member.split("\\|");
        long hold = Long.parseLong(parts[2]);
        if (hold == 0 || hold > nowMs) {
            live.add(new long[] {startMs, Long.parseLong(parts[1])});
        }
    }

    /**
     * The slots with the live holds and bookings overlapping each counted. No entry lasts longer than the longest
     * slot, so only those starting from that long before a slot can overlap it: a binary search finds the first.
     */
    private static List<Slot> counted(List<Slot> slots, List<long[]> live) {
        if (live.isEmpty()) {
            return slots;
        }
        live.sort(Comparator.comparingLong(interval -> interval[0]));
        long[] starts = new long[live.size()];
        for (int i = 0; i < starts.length; i++) {
            starts[i] = live.get(i)[0];
        }
        List<Slot> counted = new ArrayList<>(slots.size());
        for (Slot slot : slots) {
            long start = slot.start().toEpochMilli();
            long end = slot.end().toEpochMilli();
            int taken = 0;
            for (int i = firstFrom(starts, start - MAX_SLOT_MS); i < starts.length && starts[i] < end; i++) {
                if (live.get(i)[1] > start) {
                    taken++;
                }
            }
            counted.add(taken == 0 ? slot : slot.withTaken(taken));
        }
        return counted;
    }

    /** The index of the first of the ascending {@code values} at or above {@code from}. */
    private static int firstFrom(long[] values, long from) {
        int at = Arrays.binarySearch(values, from);
        if (at < 0) {
            return -at - 1;
        }
        while (at > 0 && values[at - 1] == from) {
            at--;
        }
        return at;
    }

    private static SchedulingException notOffered(SpecialistSchedule schedule, String specialty) {
        return new SchedulingException(ErrorCode.SPECIALTY_NOT_OFFERED,
                "Specialist " + schedule.specialistId() + " does not offer " + specialty + ".");
    }
}
