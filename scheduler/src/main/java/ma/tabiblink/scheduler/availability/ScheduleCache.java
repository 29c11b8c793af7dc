package ma.tabiblink.scheduler.availability;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import ma.tabiblink.scheduler.ErrorCode;
import ma.tabiblink.scheduler.SchedulingException;

/**
 * In-process copies of schedules and slot policies for the booking path. A copy is only ever used together with its
 * stamp (the schedule's version, the policy's stored text): the booking script compares the stamps with Redis in
 * the same atomic step and refuses with STALE if either changed, so a stale copy can delay a booking, never let one
 * through against rules that no longer hold.
 */
public final class ScheduleCache {

    /** A schedule and the version it had when read. */
    public record VersionedSchedule(SpecialistSchedule schedule, String version) {
    }

    /** What a booking needs to validate a slot, with the stamps the script checks. */
    public record Rules(SpecialistSchedule schedule, String scheduleVersion, SlotPolicy policy, String policyJson) {

        /** The slot these rules define for {@code specialty} starting exactly at {@code start}, if any. */
        public Optional<Slot> slotAt(String specialty, Instant start) {
            return SlotGenerator.slotAt(schedule, specialty, policy, start);
        }
    }

    private record Policy(SlotPolicy policy, String json) {
    }

    private final AvailabilityStore store;
    private final ConcurrentMap<String, VersionedSchedule> schedules = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Policy> policies = new ConcurrentHashMap<>();

    public ScheduleCache(AvailabilityStore store) {
        this.store = store;
    }

    public Rules rules(String specialistId, String specialty) {
        VersionedSchedule schedule = schedules.computeIfAbsent(specialistId, id -> store.findVersioned(id)
                .orElseThrow(() -> new SchedulingException(ErrorCode.UNKNOWN_SPECIALIST,
                        "No schedule for specialist " + id + ".")));
        if (!schedule.schedule().specialties().contains(specialty)) {
            throw new SchedulingException(ErrorCode.SPECIALTY_NOT_OFFERED,
                    "Specialist " + specialistId + " does not offer " + specialty + ".");
        }
        Policy policy = policies.computeIfAbsent(specialty, code -> {
            String json = store.policyJson(code);
            return new Policy(store.parsePolicy(json, code), json);
        });
        return new Rules(schedule.schedule(), schedule.version(), policy.policy(), policy.json());
    }

    /** Forgets the copies a booking found stale (or that may have hidden a slot added since). */
    public void invalidate(String specialistId, String specialty) {
        schedules.remove(specialistId);
        policies.remove(specialty);
    }
}
