package ma.tabiblink.scheduler.availability;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import ma.tabiblink.scheduler.ErrorCode;
import ma.tabiblink.scheduler.SchedulerKeys;
import ma.tabiblink.scheduler.SchedulingException;
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
        Instant now = clock.instant();
        List<Slot> free = new ArrayList<>();
        for (SpecialistSchedule schedule : schedules) {
            List<String> specialties = query.specialty() != null
                    ? List.of(query.specialty()) : List.copyOf(schedule.specialties());
            for (String specialty : specialties) {
                List<Slot> candidates = SlotGenerator.generate(schedule, specialty, store.policy(specialty),
                        query.from(), query.to());
                for (Slot slot : withOccupancy(candidates, now)) {
                    if (slot.free() && slot.start().isAfter(now)) {
                        free.add(slot);
                    }
                }
            }
        }
        free.sort(Comparator.comparing(Slot::start).thenComparing(Slot::specialistId).thenComparing(Slot::specialty));
        return free.size() > query.limit() ? List.copyOf(free.subList(0, query.limit())) : List.copyOf(free);
    }

    /** The next {@code count} free slots of {@code specialty} starting at or after {@code after}, within two weeks. */
    public List<Slot> nextFree(String specialty, Instant after, int count) {
        LocalDate from = after.atZone(SpecialistSchedule.DEFAULT_ZONE).toLocalDate().minusDays(1);
        List<Slot> found = search(new SlotQuery(specialty, null, from, from.plusDays(15), SlotQuery.MAX_LIMIT));
        return found.stream().filter(s -> !s.start().isBefore(after)).limit(count).toList();
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
                .map(s -> withOccupancy(List.of(s), clock.instant()).get(0));
    }

    private List<Slot> withOccupancy(List<Slot> slots, Instant now) {
        if (slots.isEmpty()) {
            return slots;
        }
        long from = slots.get(0).start().toEpochMilli() - MAX_SLOT_MS;
        long to = slots.get(slots.size() - 1).end().toEpochMilli();
        List<Tuple> busy = redis.zrangeByScoreWithScores(
                SchedulerKeys.specialistBusy(slots.get(0).specialistId()), from, to);
        if (busy.isEmpty()) {
            return slots;
        }
        long nowMs = now.toEpochMilli();
        List<long[]> live = new ArrayList<>();
        for (Tuple entry : busy) {
            String[] parts = entry.getElement().split("\\|");
            long hold = Long.parseLong(parts[2]);
            if (hold == 0 || hold > nowMs) {
                live.add(new long[] {(long) entry.getScore(), Long.parseLong(parts[1])});
            }
        }
        List<Slot> result = new ArrayList<>(slots.size());
        for (Slot slot : slots) {
            long start = slot.start().toEpochMilli();
            long end = slot.end().toEpochMilli();
            int taken = 0;
            for (long[] interval : live) {
                if (interval[0] < end && interval[1] > start) {
                    taken++;
                }
            }
            result.add(taken == 0 ? slot : slot.withTaken(taken));
        }
        return result;
    }

    private static SchedulingException notOffered(SpecialistSchedule schedule, String specialty) {
        return new SchedulingException(ErrorCode.SPECIALTY_NOT_OFFERED,
                "Specialist " + schedule.specialistId() + " does not offer " + specialty + ".");
    }
}
