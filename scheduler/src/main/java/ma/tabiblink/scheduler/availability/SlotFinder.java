package ma.tabiblink.scheduler.availability;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
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
            List<Slot> own = new ArrayList<>();
            for (String specialty : query.specialty() != null ? List.of(query.specialty()) : List.copyOf(schedule.specialties())) {
                own.addAll(SlotGenerator.generate(schedule, specialty, policyOf.apply(specialty), query.from(),
                        query.to()));
            }
            own.sort(Comparator.comparing(Slot::start));
            candidates.add(own);
        }
        Instant now = clock.instant();
        List<Slot> free = new ArrayList<>();
        for (List<Slot> slots : withOccupancy(candidates, now)) {
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
     * The next {@code count} free slots of {@code specialty} from {@code after}: the same specialist's over the next
     * days first (the usual answer, and cheap), then their next two weeks, then any specialist's.
     */
    public List<Slot> nextFree(String specialistId, String specialty, Instant after, int count) {
        return nextFree(specialistId, specialty, after, count, this::search);
    }

    /**
     * As {@link #nextFree(String, String, Instant, int)} for the specialist of {@code rules}, whose own days are
     * generated from those rules rather than read again: a booking refused with SLOT_TAKEN has just had them confirmed
     * current by the booking script, and answering that conflict is the busiest use of this method.
     */
    public List<Slot> nextFree(ScheduleCache.Rules rules, String specialty, Instant after, int count) {
        String specialistId = rules.schedule().specialistId();
        return nextFree(specialistId, specialty, after, count, query -> specialistId.equals(query.specialistId())
                ? free(List.of(rules.schedule()), query, ignored -> rules.policy())
                : search(query));
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
        LocalDate date = start.atZone(schedule.zone()).toLocalDate();
        // A window opening late in the evening before a clock change can spill its slots onto the next local date.
        return SlotGenerator.generate(schedule, specialty, store.policy(specialty), date.minusDays(1), date).stream()
                .filter(s -> s.start().equals(start))
                .findFirst()
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
            List<Slot> slots = perSpecialist.get(i);
            List<Tuple> busy = replies.get(i) == null ? List.of() : replies.get(i).get();
            List<long[]> live = new ArrayList<>();
            for (Tuple entry : busy) {
                String[] parts = entry.getElement().split("\\|");
                long hold = Long.parseLong(parts[2]);
                if (hold == 0 || hold > nowMs) {
                    live.add(new long[] {(long) entry.getScore(), Long.parseLong(parts[1])});
                }
            }
            if (live.isEmpty()) {
                result.add(slots);
                continue;
            }
            List<Slot> counted = new ArrayList<>(slots.size());
            for (Slot slot : slots) {
                long start = slot.start().toEpochMilli();
                long end = slot.end().toEpochMilli();
                int taken = 0;
                for (long[] interval : live) {
                    if (interval[0] < end && interval[1] > start) {
                        taken++;
                    }
                }
                counted.add(taken == 0 ? slot : slot.withTaken(taken));
            }
            result.add(counted);
        }
        return result;
    }

    private static SchedulingException notOffered(SpecialistSchedule schedule, String specialty) {
        return new SchedulingException(ErrorCode.SPECIALTY_NOT_OFFERED,
                "Specialist " + schedule.specialistId() + " does not offer " + specialty + ".");
    }
}
