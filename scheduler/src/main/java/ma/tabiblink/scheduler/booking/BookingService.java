package ma.tabiblink.scheduler.booking;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import ma.tabiblink.redisscript.RedisScript;
import ma.tabiblink.scheduler.Actor;
import ma.tabiblink.scheduler.ActorRole;
import ma.tabiblink.scheduler.ErrorCode;
import ma.tabiblink.scheduler.SchedulerKeys;
import ma.tabiblink.scheduler.SchedulerSettings;
import ma.tabiblink.scheduler.SchedulingException;
import ma.tabiblink.scheduler.availability.AvailabilityStore;
import ma.tabiblink.scheduler.availability.ScheduleCache;
import ma.tabiblink.scheduler.availability.Slot;
import ma.tabiblink.scheduler.availability.SlotFinder;
import ma.tabiblink.scheduler.availability.SlotPolicy;
import ma.tabiblink.scheduler.availability.SpecialistSchedule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * Appointments: hold, confirm, book, reschedule, the status lifecycle, the waitlist and hold expiry. Every change is
 * one Lua script run against the caller's clock; events go to the listeners after the change is stored.
 */
public final class BookingService {

    private static final Logger LOG = LoggerFactory.getLogger(BookingService.class);
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Pattern APPOINTMENT_ID = Pattern.compile("apt_[a-z0-9]{20}");
    private static final String MAX_SLOT_MS =
            Long.toString(Duration.ofMinutes(SlotPolicy.MAX_SLOT_MINUTES).toMillis());
    private static final int ALTERNATIVES = 3;
    private static final int MAX_STALE_RETRIES = 4;
    private static final int HOLD_SWEEP_BATCH = 100;
    private static final int WAITLIST_SCAN = 200;
    private static final char[] ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final UnifiedJedis redis;
    private final AvailabilityStore availability;
    private final SlotFinder slots;
    private final Clock clock;
    private final SchedulerSettings settings;
    private final ScheduleCache cache;
    private final List<BookingEventListener> listeners = new CopyOnWriteArrayList<>();
    private final SecureRandom random = new SecureRandom();
    private final RedisScript book = RedisScript.load(BookingService.class, "lib.lua", "book.lua");
    private final RedisScript transition = RedisScript.load(BookingService.class, "lib.lua", "transition.lua");
    private final RedisScript reschedule = RedisScript.load(BookingService.class, "lib.lua", "reschedule.lua");
    private final RedisScript waitlistAdd = RedisScript.load(BookingService.class, "lib.lua", "waitlist_add.lua");
    private final RedisScript promote = RedisScript.load(BookingService.class, "lib.lua", "promote.lua");

    public BookingService(UnifiedJedis redis, AvailabilityStore availability, SlotFinder slots, Clock clock,
                          SchedulerSettings settings) {
        this.redis = redis;
        this.availability = availability;
        this.slots = slots;
        this.clock = clock;
        this.settings = settings;
        this.cache = new ScheduleCache(availability);
    }

    public void addListener(BookingEventListener listener) {
        listeners.add(listener);
    }

    /** Holds a slot (busy-tentative) until the hold duration elapses; confirm it with {@link #confirm}. */
    public Appointment hold(Actor actor, BookingRequest request, String idempotencyKey) {
        requireRole(actor, ActorRole.COORDINATOR);
        return take(actor, request, idempotencyKey, true);
    }

    /** Books a slot directly. */
    public Appointment book(Actor actor, BookingRequest request, String idempotencyKey) {
        requireRole(actor, ActorRole.COORDINATOR);
        return take(actor, request, idempotencyKey, false);
    }

    /**
     * A specialist books a slot of their own calendar for a patient (a tele-expertise case they took turned into a
     * consultation); nobody else's calendar. The caller has checked that the patient is theirs to book.
     */
    public Appointment bookOwnSlot(Actor actor, BookingRequest request, String idempotencyKey) {
        requireRole(actor, ActorRole.SPECIALIST);
        if (!actor.userId().equals(request.specialistId())) {
            throw new SchedulingException(ErrorCode.NOT_YOUR_APPOINTMENT,
                    "A specialist books slots of their own calendar only.");
        }
        return take(actor, request, idempotencyKey, false);
    }

    private Appointment take(Actor actor, BookingRequest request, String idempotencyKey, boolean hold) {
        String idemKey = SchedulerKeys.idempotency(actor.userId(), requireIdempotencyKey(idempotencyKey));
        String fingerprint = request.fingerprint(hold ? "hold" : "book");
        boolean fresh = false;
        for (int attempt = 0; attempt < MAX_STALE_RETRIES; attempt++) {
            Instant now = Instant.ofEpochMilli(clock.millis());
            ScheduleCache.Rules rules;
            Slot slot;
            try {
                rules = cache.rules(request.specialistId(), request.specialty());
                slot = rules.slotAt(request.specialty(), request.start())
                        .orElseThrow(() -> new SchedulingException(ErrorCode.UNKNOWN_SLOT,
                                "Specialist " + request.specialistId() + " has no " + request.specialty()
                                        + " slot starting at " + request.start() + "."));
                if (!slot.start().isAfter(now)) {
                    throw new SchedulingException(ErrorCode.SLOT_IN_PAST,
                            "The slot at " + slot.start() + " has already begun.");
                }
            } catch (SchedulingException refused) {
                // A retry of a request that succeeded earlier gets its appointment even if the slot has passed since.
                Optional<Appointment> replayed = replayOf(idemKey, fingerprint);
                if (replayed.isPresent()) {
                    return replayed.get();
                }
                if (fresh) {
                    throw refused;
                }
                cache.invalidate(request.specialistId(), request.specialty());
                fresh = true;
                continue;
            }
            String id = newId();
            long holdExpiry = hold ? now.plus(settings.holdDuration()).toEpochMilli() : 0;
            long[] nextDays = SlotFinder.nextDaysBusyRange(slot.start());
            List<String> reply = run(book, List.of(idemKey, SchedulerKeys.schedule(slot.specialistId()),
                            SchedulerKeys.slotPolicy(slot.specialty())), actor, now, id, slot.specialistId(),
                    slot.specialty(), request.dispensaryId(), request.patientRef(), ms(slot.start()), ms(slot.end()),
                    slot.zone().getId(), Long.toString(holdExpiry), Integer.toString(slot.capacity()), MAX_SLOT_MS,
                    fingerprint, Long.toString(settings.idempotencyRetention().toSeconds()),
                    settings.reminderOffsetsCsv(), rules.scheduleVersion(), rules.policyJson(),
                    Long.toString(nextDays[0]), Long.toString(nextDays[1]));
            switch (reply.get(0)) {
                case "REPLAY" -> {
                    return require(reply.get(1));
                }
                case "STALE" -> {
                    cache.invalidate(request.specialistId(), request.specialty());
                    fresh = true;
                }
                case "OK" -> {
                    Appointment appointment = new Appointment(id,
                            hold ? AppointmentStatus.PENDING : AppointmentStatus.BOOKED, slot.specialistId(),
                            slot.specialty(), request.dispensaryId(), request.patientRef(), slot.start(), slot.end(),
                            slot.zone(), hold ? Instant.ofEpochMilli(holdExpiry) : null, null, null, null,
                            actor.userId(), now, now, 1, null);
                    publish(hold ? BookingEvent.Type.HELD : BookingEvent.Type.BOOKED, appointment, actor, now);
                    return appointment;
                }
                default -> throw refusal(reply.get(1),
                        () -> alternatives(rules, slot.specialty(), slot.start(), reply.subList(2, reply.size())));
            }
        }
        throw new SchedulingException(ErrorCode.SCHEDULE_CHANGED,
                "The specialist's schedule kept changing during the booking; try again.");
    }

    /** Turns a hold into a booking, if it has not lapsed. Confirming a booked appointment again changes nothing. */
    public Appointment confirm(Actor actor, String appointmentId) {
        requireRole(actor, ActorRole.COORDINATOR);
        return change(actor, appointmentId, AppointmentStatus.BOOKED, EnumSet.of(AppointmentStatus.PENDING),
                "confirm", "", "valid", false, BookingEvent.Type.CONFIRMED);
    }

    public Appointment cancel(Actor actor, String appointmentId, String reason) {
        requireRole(actor, ActorRole.COORDINATOR);
        Appointment before = require(appointmentId);
        Appointment after = change(actor, appointmentId, AppointmentStatus.CANCELLED,
                EnumSet.of(AppointmentStatus.PENDING, AppointmentStatus.BOOKED, AppointmentStatus.WAITLIST),
                "cancel", reasonText(reason), "", false, BookingEvent.Type.CANCELLED);
        if (before.status() != AppointmentStatus.WAITLIST && before.status().occupiesTime()) {
            offerFreedSlot(before.specialistId(), before.specialty(), before.start());
        }
        return after;
    }

    /** The nurse of the appointment's dispensary checks the patient in. */
    public Appointment checkIn(Actor actor, String appointmentId) {
        requireRole(actor, ActorRole.NURSE);
        Appointment current = require(appointmentId);
        if (actor.dispensaryId() == null || !actor.dispensaryId().equals(current.dispensaryId())) {
            throw new SchedulingException(ErrorCode.NOT_YOUR_APPOINTMENT,
                    "Only a nurse of " + current.dispensaryId() + " can check this patient in.");
        }
        return change(actor, appointmentId, AppointmentStatus.ARRIVED, EnumSet.of(AppointmentStatus.BOOKED),
                "check-in", "", "", false, BookingEvent.Type.CHECKED_IN);
    }

    /** The appointment's specialist marks the consultation done. */
    public Appointment fulfil(Actor actor, String appointmentId) {
        requireRole(actor, ActorRole.SPECIALIST);
        Appointment current = require(appointmentId);
        if (!actor.userId().equals(current.specialistId())) {
            throw new SchedulingException(ErrorCode.NOT_YOUR_APPOINTMENT,
                    "Only the appointment's specialist can mark it fulfilled.");
        }
        return change(actor, appointmentId, AppointmentStatus.FULFILLED, EnumSet.of(AppointmentStatus.ARRIVED),
                "fulfil", "", "", false, BookingEvent.Type.FULFILLED);
    }

    /**
     * The booked consultation's call took place and has ended: the appointment is fulfilled, whether or not the nurse
     * had checked the patient in (being in the call shows they came). Fulfilled already changes nothing; an appointment
     * cancelled meanwhile is left as it is (an invalid transition).
     */
    public Appointment fulfilAfterCall(String appointmentId) {
        return change(Actor.SYSTEM, appointmentId, AppointmentStatus.FULFILLED,
                EnumSet.of(AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED), "fulfil", "call ended", "", false,
                BookingEvent.Type.FULFILLED);
    }

    /** Marks a booked patient who did not come; only once the appointment has started. */
    public Appointment markNoShow(Actor actor, String appointmentId) {
        requireRole(actor, ActorRole.COORDINATOR);
        return change(actor, appointmentId, AppointmentStatus.NOSHOW, EnumSet.of(AppointmentStatus.BOOKED),
                "no-show", "", "", true, BookingEvent.Type.NO_SHOW);
    }

    public Appointment markEnteredInError(Actor actor, String appointmentId, String reason) {
        requireRole(actor, ActorRole.COORDINATOR, ActorRole.ADMIN);
        Appointment before = require(appointmentId);
        Appointment after = change(actor, appointmentId, AppointmentStatus.ENTERED_IN_ERROR,
                EnumSet.of(AppointmentStatus.PENDING, AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED,
                        AppointmentStatus.WAITLIST),
                "entered-in-error", reasonText(reason), "", false, BookingEvent.Type.ENTERED_IN_ERROR);
        if (before.status() == AppointmentStatus.PENDING || before.status() == AppointmentStatus.BOOKED) {
            offerFreedSlot(before.specialistId(), before.specialty(), before.start());
        }
        return after;
    }

    /**
     * Moves a booked or held appointment to the slot of {@code specialistId} (same specialty) starting at
     * {@code start}. The new slot is taken in the same atomic step that releases the old one.
     */
    public Appointment reschedule(Actor actor, String appointmentId, String specialistId, Instant start) {
        requireRole(actor, ActorRole.COORDINATOR);
        if (start == null) {
            throw new SchedulingException(ErrorCode.INVALID_DATE, "Give the new slot's start as an ISO-8601 instant.");
        }
        Appointment current = require(appointmentId);
        String targetSpecialist = specialistId == null ? current.specialistId() : specialistId;
        if (current.status() != AppointmentStatus.BOOKED && current.status() != AppointmentStatus.PENDING) {
            throw invalidTransition(current.status(), "reschedule");
        }
        Instant now = clock.instant();
        SpecialistSchedule schedule = availability.require(targetSpecialist);
        Slot slot = slots.slotAt(schedule, current.specialty(), start)
                .orElseThrow(() -> new SchedulingException(ErrorCode.UNKNOWN_SLOT,
                        "Specialist " + targetSpecialist + " has no " + current.specialty() + " slot starting at "
                                + start + "."));
        if (!slot.start().isAfter(now)) {
            throw new SchedulingException(ErrorCode.SLOT_IN_PAST, "The slot at " + slot.start() + " has already begun.");
        }
        List<String> reply = run(reschedule, List.of(), actor, now, appointmentId, slot.specialistId(),
                ms(slot.start()), ms(slot.end()), slot.zone().getId(), Integer.toString(slot.capacity()), MAX_SLOT_MS,
                settings.reminderOffsetsCsv());
        switch (reply.get(0)) {
            case "SAME" -> {
                return require(appointmentId);
            }
            case "OK" -> {
                Appointment moved = require(appointmentId);
                publish(BookingEvent.Type.RESCHEDULED, moved, actor, now);
                offerFreedSlot(reply.get(1), current.specialty(), Instant.ofEpochMilli(Long.parseLong(reply.get(2))));
                return moved;
            }
            default -> {
                if (reply.get(1).equals("INVALID_TRANSITION")) {
                    throw invalidTransition(AppointmentStatus.fromCode(reply.get(2)), "reschedule");
                }
                throw refusal(reply.get(1),
                        () -> alternatives(slot.specialistId(), current.specialty(), slot.start()));
            }
        }
    }

    /** Puts a request on the specialty's waitlist; it gets the first matching slot that frees up. */
    public Appointment joinWaitlist(Actor actor, WaitlistRequest request, String idempotencyKey) {
        requireRole(actor, ActorRole.COORDINATOR);
        String idemKey = SchedulerKeys.idempotency(actor.userId(), requireIdempotencyKey(idempotencyKey));
        String fingerprint = request.fingerprint();
        Optional<Appointment> replayed = replayOf(idemKey, fingerprint);
        if (replayed.isPresent()) {
            return replayed.get();
        }
        Instant now = clock.instant();
        if (!request.to().isAfter(now)) {
            throw new SchedulingException(ErrorCode.SLOT_IN_PAST, "The waitlist window has already ended.");
        }
        ZoneId zone = request.preferredSpecialistId() == null ? SpecialistSchedule.DEFAULT_ZONE
                : availability.require(request.preferredSpecialistId()).zone();
        String id = newId();
        List<String> reply = run(waitlistAdd, List.of(idemKey), actor, now, id, request.specialty(),
                request.dispensaryId(), request.patientRef(), ms(request.from()), ms(request.to()),
                request.preferredSpecialistId() == null ? "" : request.preferredSpecialistId(), zone.getId(),
                fingerprint, Long.toString(settings.idempotencyRetention().toSeconds()));
        switch (reply.get(0)) {
            case "REPLAY" -> {
                return require(reply.get(1));
            }
            case "OK" -> {
                Appointment entry = require(id);
                publish(BookingEvent.Type.WAITLISTED, entry, actor, now);
                return entry;
            }
            default -> throw refusal(reply.get(1),
                    () -> alternatives(request.preferredSpecialistId(), request.specialty(), request.from()));
        }
    }

    /** The waitlisted requests of a specialty, first come first. */
    public List<Appointment> waitlist(String specialty) {
        SpecialistSchedule.requireSpecialty(specialty);
        return loadAll(redis.zrange(SchedulerKeys.waitlist(specialty), 0, -1));
    }

    /** Cancels holds whose time ran out and offers their slots to the waitlist; returns how many lapsed. */
    public int expireHolds() {
        Instant now = clock.instant();
        List<String> expired = redis.zrangeByScore(SchedulerKeys.holds(), Double.NEGATIVE_INFINITY,
                now.toEpochMilli(), 0, HOLD_SWEEP_BATCH);
        int count = 0;
        for (String id : expired) {
            List<String> reply = run(transition, List.of(), Actor.SYSTEM, now, id, AppointmentStatus.CANCELLED.code(),
                    AppointmentStatus.PENDING.code(), "hold-expired", "hold-expired", "expired", "", "");
            if (reply.get(0).equals("OK")) {
                count++;
                Appointment lapsed = require(id);
                publish(BookingEvent.Type.HOLD_EXPIRED, lapsed, Actor.SYSTEM, now);
                offerFreedSlot(lapsed.specialistId(), lapsed.specialty(), lapsed.start());
            } else if (reply.get(1).equals("UNKNOWN_APPOINTMENT")) {
                redis.zrem(SchedulerKeys.holds(), id);
            }
        }
        return count;
    }

    public Optional<Appointment> find(String appointmentId) {
        if (appointmentId == null || !APPOINTMENT_ID.matcher(appointmentId).matches()) {
            return Optional.empty();
        }
        Map<String, String> hash = redis.hgetAll(SchedulerKeys.appointment(appointmentId));
        return hash.isEmpty() ? Optional.empty() : Optional.of(Appointment.fromHash(hash));
    }

    public Appointment require(String appointmentId) {
        return find(appointmentId).orElseThrow(() -> new SchedulingException(ErrorCode.UNKNOWN_APPOINTMENT,
                "No appointment " + appointmentId + "."));
    }

    /** Who did what to the appointment and when, oldest first, its creation included. */
    public List<HistoryEntry> history(String appointmentId) {
        List<String> created = redis.hmget(SchedulerKeys.appointment(appointmentId), "createdAt", "createdBy",
                "createdByRole", "createdAs");
        if (created.get(0) == null) {
            throw new SchedulingException(ErrorCode.UNKNOWN_APPOINTMENT, "No appointment " + appointmentId + ".");
        }
        String initialStatus = switch (created.get(3)) {
            case "book" -> AppointmentStatus.BOOKED.code();
            case "hold" -> AppointmentStatus.PENDING.code();
            default -> AppointmentStatus.WAITLIST.code();
        };
        List<HistoryEntry> entries = new ArrayList<>();
        entries.add(new HistoryEntry(Instant.ofEpochMilli(Long.parseLong(created.get(0))), created.get(1),
                created.get(2), created.get(3), null, initialStatus, null));
        for (String json : redis.lrange(SchedulerKeys.history(appointmentId), 0, -1)) {
            try {
                JsonNode node = JSON.readTree(json);
                entries.add(new HistoryEntry(Instant.ofEpochMilli(node.get("at").asLong()), node.get("actor").asText(),
                        node.get("role").asText(), node.get("action").asText(), text(node, "from"), text(node, "to"),
                        text(node, "detail")));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("unreadable history entry of " + appointmentId, e);
            }
        }
        return entries;
    }

    /** Appointments of a dispensary starting on {@code date} (read in {@code zone}), by start time. */
    public List<Appointment> forDispensary(String dispensaryId, LocalDate date, ZoneId zone) {
        BookingRequest.requireDispensary(dispensaryId);
        return onDate(date, zone).stream().filter(a -> dispensaryId.equals(a.dispensaryId())).toList();
    }

    /** Appointments of a specialist starting in [{@code from}, {@code to}), by start time. */
    public List<Appointment> forSpecialist(String specialistId, Instant from, Instant to) {
        SpecialistSchedule.requireId(specialistId);
        return loadAll(redis.zrangeByScore(SchedulerKeys.specialistAppointments(specialistId),
                from.toEpochMilli(), to.toEpochMilli() - 1));
    }

    /** Every appointment starting on {@code date} (read in {@code zone}), by start time. */
    public List<Appointment> onDate(LocalDate date, ZoneId zone) {
        return between(SchedulerKeys.allAppointments(), date, zone);
    }

    private List<Appointment> between(String index, LocalDate date, ZoneId zone) {
        long from = date.atStartOfDay(zone).toInstant().toEpochMilli();
        long to = date.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
        return loadAll(redis.zrangeByScore(index, from, to - 1));
    }

    private List<Appointment> loadAll(List<String> ids) {
        List<Response<Map<String, String>>> replies = new ArrayList<>(ids.size());
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (String id : ids) {
                replies.add(pipeline.hgetAll(SchedulerKeys.appointment(id)));
            }
            pipeline.sync();
        }
        List<Appointment> result = new ArrayList<>(ids.size());
        for (Response<Map<String, String>> reply : replies) {
            if (!reply.get().isEmpty()) {
                result.add(Appointment.fromHash(reply.get()));
            }
        }
        return result;
    }

    private Appointment change(Actor actor, String appointmentId, AppointmentStatus target,
                               Set<AppointmentStatus> allowedFrom, String action, String reason, String holdRule,
                               boolean notBeforeStart, BookingEvent.Type event) {
        require(appointmentId);
        Instant now = clock.instant();
        String allowed = allowedFrom.stream().map(AppointmentStatus::code).collect(Collectors.joining(","));
        List<String> reply = run(transition, List.of(), actor, now, appointmentId, target.code(), allowed, action,
                reason, holdRule, notBeforeStart ? "1" : "", settings.reminderOffsetsCsv());
        switch (reply.get(0)) {
            case "SAME" -> {
                return require(appointmentId);
            }
            case "OK" -> {
                Appointment changed = require(appointmentId);
                publish(event, changed, actor, now);
                return changed;
            }
            default -> {
                String code = reply.get(1);
                AppointmentStatus current = reply.get(2).isEmpty() ? null : AppointmentStatus.fromCode(reply.get(2));
                switch (code) {
                    case "INVALID_TRANSITION" -> throw invalidTransition(current, action);
                    case "HOLD_EXPIRED" -> throw new SchedulingException(ErrorCode.HOLD_EXPIRED,
                            "The hold on this slot has expired; search and hold again.");
                    case "TOO_EARLY" -> throw new SchedulingException(ErrorCode.TOO_EARLY,
                            "A no-show can only be recorded once the appointment has started.");
                    default -> throw new SchedulingException(ErrorCode.valueOf(code), "No appointment " + appointmentId + ".");
                }
            }
        }
    }

    /** When a future slot frees up, the first waitlisted request that fits gets it. */
    private void offerFreedSlot(String specialistId, String specialty, Instant start) {
        try {
            Instant now = clock.instant();
            if (specialistId == null || start == null || !start.isAfter(now)) {
                return;
            }
            Optional<SpecialistSchedule> schedule = availability.find(specialistId);
            if (schedule.isEmpty() || !schedule.get().specialties().contains(specialty)) {
                return;
            }
            Optional<Slot> freed = slots.slotAt(schedule.get(), specialty, start).filter(Slot::free);
            if (freed.isEmpty()) {
                return;
            }
            Slot slot = freed.get();
            boolean offer = settings.waitlistMode() == SchedulerSettings.WaitlistMode.OFFER;
            long holdExpiry = offer ? now.plus(settings.waitlistOfferDuration()).toEpochMilli() : 0;
            for (String id : redis.zrange(SchedulerKeys.waitlist(specialty), 0, WAITLIST_SCAN - 1)) {
                Optional<Appointment> entry = find(id);
                if (entry.isEmpty() || !fits(entry.get(), slot)) {
                    continue;
                }
                List<String> reply = run(promote, List.of(), Actor.SYSTEM, now, id, slot.specialistId(),
                        ms(slot.start()), ms(slot.end()), slot.zone().getId(), Integer.toString(slot.capacity()),
                        MAX_SLOT_MS, Long.toString(holdExpiry), settings.reminderOffsetsCsv());
                if (reply.get(0).equals("OK")) {
                    publish(BookingEvent.Type.WAITLIST_PROMOTED, require(id), Actor.SYSTEM, now);
                    return;
                }
                if (reply.get(1).equals("SLOT_TAKEN")) {
                    return;
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not offer a freed slot of {} to the {} waitlist", specialistId, specialty, e);
        }
    }

    private static boolean fits(Appointment entry, Slot slot) {
        return entry.status() == AppointmentStatus.WAITLIST
                && (entry.preferredSpecialistId() == null || entry.preferredSpecialistId().equals(slot.specialistId()))
                && !slot.start().isBefore(entry.requestedFrom())
                && !slot.end().isAfter(entry.requestedTo());
    }

    private Optional<Appointment> replayOf(String idemKey, String fingerprint) {
        String stored = redis.get(idemKey);
        if (stored == null) {
            return Optional.empty();
        }
        int separator = stored.indexOf('|');
        if (!fingerprint.equals(stored.substring(separator + 1))) {
            throw reused();
        }
        return find(stored.substring(0, separator));
    }

    /** The error for a script's refusal; a taken slot's answer carries the next free slots. */
    private SchedulingException refusal(String code, Supplier<List<Slot>> nextFreeSlots) {
        return switch (code) {
            case "SLOT_TAKEN" -> new SchedulingException(ErrorCode.SLOT_TAKEN,
                    "This slot was just taken by another booking.", Map.of("nextFreeSlots", nextFreeSlots.get()));
            case "PATIENT_BUSY" -> new SchedulingException(ErrorCode.PATIENT_BUSY,
                    "The patient already has an appointment overlapping this time.");
            case "IDEMPOTENCY_KEY_REUSED" -> reused();
            case "HOLD_EXPIRED" -> new SchedulingException(ErrorCode.HOLD_EXPIRED,
                    "The hold on this slot has expired; search and hold again.");
            default -> new SchedulingException(ErrorCode.valueOf(code), code);
        };
    }

    private List<Slot> alternatives(String specialistId, String specialty, Instant after) {
        try {
            return slots.nextFree(specialistId, specialty, after, ALTERNATIVES);
        } catch (SchedulingException e) {
            return List.of();
        }
    }

    private List<Slot> alternatives(ScheduleCache.Rules rules, String specialty, Instant after,
                                    List<String> busyNextDays) {
        try {
            return slots.nextFree(rules, specialty, after, ALTERNATIVES, busyNextDays);
        } catch (SchedulingException e) {
            return List.of();
        }
    }

    private static SchedulingException reused() {
        return new SchedulingException(ErrorCode.IDEMPOTENCY_KEY_REUSED,
                "This Idempotency-Key was already used for a different request.");
    }

    private static SchedulingException invalidTransition(AppointmentStatus current, String action) {
        return new SchedulingException(ErrorCode.INVALID_TRANSITION,
                "Cannot " + action + " an appointment that is " + (current == null ? "unknown" : current.code()) + ".",
                Map.of("status", current == null ? "" : current.code(), "action", action));
    }

    private static void requireRole(Actor actor, ActorRole... allowed) {
        if (actor == null || Arrays.stream(allowed).noneMatch(r -> r == actor.role())) {
            throw new SchedulingException(ErrorCode.FORBIDDEN_ROLE,
                    "This action is for " + Arrays.stream(allowed).map(r -> r.name().toLowerCase())
                            .collect(Collectors.joining(" or ")) + " users.");
        }
    }

    private static String requireIdempotencyKey(String key) {
        if (key == null || key.isBlank()) {
            throw new SchedulingException(ErrorCode.IDEMPOTENCY_KEY_REQUIRED,
                    "Every booking request needs an idempotency key (header Idempotency-Key).");
        }
        if (!IDEMPOTENCY_KEY.matcher(key).matches()) {
            throw new SchedulingException(ErrorCode.INVALID_INPUT,
                    "An idempotency key is 1–128 letters, digits, '.', '_', ':' or '-'.");
        }
        return key;
    }

    private static String reasonText(String reason) {
        if (reason == null) {
            return "";
        }
        if (reason.length() > 200) {
            throw new SchedulingException(ErrorCode.INVALID_INPUT, "A reason is at most 200 characters.");
        }
        return reason.strip();
    }

    private void publish(BookingEvent.Type type, Appointment appointment, Actor actor, Instant at) {
        BookingEvent event = new BookingEvent(type, appointment, actor, at);
        for (BookingEventListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("Booking event listener failed on {} of {}", type, appointment.id(), e);
            }
        }
    }

    /** Runs a booking script; its changes are on the replicas the settings ask for before this returns. */
    @SuppressWarnings("unchecked")
    private List<String> run(RedisScript script, List<String> keys, Actor actor, Instant now, String... args) {
        List<String> all = new ArrayList<>(args.length + 4);
        all.add(SchedulerKeys.PREFIX);
        all.add(Long.toString(now.toEpochMilli()));
        all.add(actor.userId());
        all.add(actor.role().name());
        all.addAll(Arrays.asList(args));
        return (List<String>) settings.replicaAcknowledgement().runConfirmed(script, redis, keys, all);
    }

    private String newId() {
        byte[] bytes = new byte[20];
        random.nextBytes(bytes);
        char[] chars = new char[bytes.length];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = ID_ALPHABET[(bytes[i] & 0xff) % ID_ALPHABET.length];
        }
        return "apt_" + new String(chars);
    }

    private static String ms(Instant instant) {
        return Long.toString(instant.toEpochMilli());
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
