package ma.tabiblink.scheduler.availability;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import ma.tabiblink.redisscript.RedisScript;
import ma.tabiblink.scheduler.ErrorCode;
import ma.tabiblink.scheduler.SchedulerKeys;
import ma.tabiblink.scheduler.SchedulingException;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/** Specialists' schedules and specialties' slot policies, in Redis. */
public final class AvailabilityStore {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();
    private static final int MAX_OPTIMISTIC_RETRIES = 10;

    private final UnifiedJedis redis;
    private final RedisScript save = RedisScript.load(AvailabilityStore.class, "save_schedule.lua");
    /** Decoded schedules by specialist, reused while the stored version is unchanged (decoding dominates reads). */
    private final ConcurrentMap<String, ScheduleCache.VersionedSchedule> decoded = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, SlotPolicy> decodedPolicies = new ConcurrentHashMap<>();

    public AvailabilityStore(UnifiedJedis redis) {
        this.redis = redis;
    }

    /** Replaces the specialist's schedule (one atomic operation, specialty index included). */
    public void save(SpecialistSchedule schedule) {
        write(schedule, "", false);
    }

    /** Saves the schedule only if the specialist has none yet; true if it was saved. Used for idempotent seeding. */
    public boolean saveIfAbsent(SpecialistSchedule schedule) {
        return write(schedule, "", true) > 0;
    }

    /** Adds or replaces one date exception without losing a concurrent change to the same schedule. */
    public SpecialistSchedule addException(String specialistId, DateException exception) {
        for (int attempt = 0; attempt < MAX_OPTIMISTIC_RETRIES; attempt++) {
            Map<String, String> stored = redis.hgetAll(SchedulerKeys.schedule(specialistId));
            if (stored.isEmpty()) {
                throw unknown(specialistId);
            }
            SpecialistSchedule next = decode(stored.get("json")).withException(exception);
            if (write(next, stored.get("version"), false) > 0) {
                return next;
            }
        }
        throw new SchedulingException(ErrorCode.SCHEDULE_CHANGED,
                "The schedule kept changing while the exception was being added; try again.");
    }

    /** The schedule with its version stamp, which a booking script checks so a cached copy is never trusted stale. */
    public Optional<ScheduleCache.VersionedSchedule> findVersioned(String specialistId) {
        SpecialistSchedule.requireId(specialistId);
        List<String> stored = redis.hmget(SchedulerKeys.schedule(specialistId), "json", "version");
        return Optional.ofNullable(decoded(specialistId, stored.get(0), stored.get(1)));
    }

    public Optional<SpecialistSchedule> find(String specialistId) {
        return findVersioned(specialistId).map(ScheduleCache.VersionedSchedule::schedule);
    }

    public SpecialistSchedule require(String specialistId) {
        return find(specialistId).orElseThrow(() -> unknown(specialistId));
    }

    /** Schedules of every specialist offering {@code specialty}, by specialist id. */
    public List<SpecialistSchedule> forSpecialty(String specialty) {
        SpecialistSchedule.requireSpecialty(specialty);
        return load(redis.smembers(SchedulerKeys.specialtyMembers(specialty)));
    }

    public List<SpecialistSchedule> all() {
        return load(redis.smembers(SchedulerKeys.specialists()));
    }

    public void savePolicy(String specialty, SlotPolicy policy) {
        SpecialistSchedule.requireSpecialty(specialty);
        redis.set(SchedulerKeys.slotPolicy(specialty), encode(policy));
    }

    /** The specialty's slot policy, or {@link SlotPolicy#DEFAULT} when none was set. */
    public SlotPolicy policy(String specialty) {
        return parsePolicy(policyJson(specialty), specialty);
    }

    /** The policy as stored ("" when none was set), the form a booking script compares against. */
    String policyJson(String specialty) {
        String json = redis.get(SchedulerKeys.slotPolicy(specialty));
        return json == null ? "" : json;
    }

    SlotPolicy parsePolicy(String json, String specialty) {
        if (json.isEmpty()) {
            return SlotPolicy.DEFAULT;
        }
        if (decodedPolicies.size() > 256) {
            decodedPolicies.clear();
        }
        return decodedPolicies.computeIfAbsent(json, text -> {
            try {
                return JSON.readValue(text, SlotPolicy.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("unreadable slot policy of " + specialty, e);
            }
        });
    }

    private ScheduleCache.VersionedSchedule decoded(String specialistId, String json, String version) {
        if (json == null) {
            decoded.remove(specialistId);
            return null;
        }
        ScheduleCache.VersionedSchedule known = decoded.get(specialistId);
        if (known != null && known.version().equals(version)) {
            return known;
        }
        ScheduleCache.VersionedSchedule fresh = new ScheduleCache.VersionedSchedule(decode(json), version);
        decoded.put(specialistId, fresh);
        return fresh;
    }

    private long write(SpecialistSchedule schedule, String expectedVersion, boolean onlyIfAbsent) {
        String id = schedule.specialistId();
        List<String> args = new ArrayList<>(List.of(SchedulerKeys.PREFIX, id, encode(schedule), expectedVersion,
                onlyIfAbsent ? "1" : "0"));
        args.addAll(schedule.specialties());
        Object result = save.run(redis,
                List.of(SchedulerKeys.schedule(id), SchedulerKeys.scheduleSpecialties(id), SchedulerKeys.specialists()),
                args);
        return (Long) result;
    }

    private List<SpecialistSchedule> load(Iterable<String> ids) {
        List<String> order = new ArrayList<>();
        List<Response<List<String>>> replies = new ArrayList<>();
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (String id : ids) {
                order.add(id);
                replies.add(pipeline.hmget(SchedulerKeys.schedule(id), "json", "version"));
            }
            pipeline.sync();
        }
        List<SpecialistSchedule> schedules = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            List<String> stored = replies.get(i).get();
            ScheduleCache.VersionedSchedule schedule = decoded(order.get(i), stored.get(0), stored.get(1));
            if (schedule != null) {
                schedules.add(schedule.schedule());
            }
        }
        schedules.sort(Comparator.comparing(SpecialistSchedule::specialistId));
        return schedules;
    }

    private static SchedulingException unknown(String specialistId) {
        return new SchedulingException(ErrorCode.UNKNOWN_SPECIALIST, "No schedule for specialist " + specialistId + ".");
    }

    private static String encode(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SpecialistSchedule decode(String json) {
        try {
            return JSON.readValue(json, SpecialistSchedule.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable schedule", e);
        }
    }
}
