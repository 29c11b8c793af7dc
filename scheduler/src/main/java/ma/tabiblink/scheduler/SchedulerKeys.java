package ma.tabiblink.scheduler;

/**
 * Every Redis key of the scheduler is built here (layout documented in the module README). The Lua scripts receive
 * {@link #PREFIX} as their first argument and derive the per-appointment keys from it the same way.
 */
public final class SchedulerKeys {

    public static final String PREFIX = "tl:sch:";

    private SchedulerKeys() {
    }

    /** HASH {json, version}: a specialist's availability rules. */
    public static String schedule(String specialistId) {
        return PREFIX + "schedule:" + specialistId;
    }

    /** SET of the specialty codes a schedule currently offers (so a save can unindex the old ones). */
    public static String scheduleSpecialties(String specialistId) {
        return PREFIX + "schedule:" + specialistId + ":specialties";
    }

    /** SET of every specialist id that has a schedule. */
    public static String specialists() {
        return PREFIX + "specialists";
    }

    /** SET of the specialist ids offering a specialty. */
    public static String specialtyMembers(String specialty) {
        return PREFIX + "specialty:" + specialty + ":specialists";
    }

    /** STRING (JSON): slot length, buffer and capacity of a specialty. */
    public static String slotPolicy(String specialty) {
        return PREFIX + "policy:" + specialty;
    }

    /** HASH: one appointment. */
    public static String appointment(String id) {
        return PREFIX + "appt:" + id;
    }

    /** LIST of JSON entries: an appointment's history. */
    public static String history(String id) {
        return PREFIX + "appt:" + id + ":history";
    }

    /** ZSET member {@code id|endMs|holdExpiryMs} scored by start ms: what occupies a specialist's time. */
    public static String specialistBusy(String specialistId) {
        return PREFIX + "busy:spec:" + specialistId;
    }

    /** ZSET, same shape as {@link #specialistBusy}: what occupies a patient's time. */
    public static String patientBusy(String patientRef) {
        return PREFIX + "busy:pat:" + patientRef;
    }

    /** ZSET of appointment ids scored by start ms: every appointment of a specialist, whatever its status. */
    public static String specialistAppointments(String specialistId) {
        return PREFIX + "idx:spec:" + specialistId;
    }

    /** ZSET of appointment ids scored by start ms: every appointment that has a time. */
    public static String allAppointments() {
        return PREFIX + "idx:all";
    }

    /** ZSET of pending (held) appointment ids scored by hold expiry ms. */
    public static String holds() {
        return PREFIX + "holds";
    }

    /** STRING {@code appointmentId|fingerprint}: what an idempotency key produced, and for which request. */
    public static String idempotency(String userId, String key) {
        return PREFIX + "idem:" + userId + ":" + key;
    }

    /** ZSET of waitlisted appointment ids of a specialty, scored by arrival order. */
    public static String waitlist(String specialty) {
        return PREFIX + "waitlist:" + specialty;
    }

    /** ZSET of reminders {@code apptId|offsetMinutes|startMs|version} scored by due time ms. */
    public static String remindersDue() {
        return PREFIX + "rem:due";
    }

    /** ZSET of reminders claimed by a worker, scored by the end of the worker's lease. */
    public static String remindersProcessing() {
        return PREFIX + "rem:processing";
    }

    /** STRING: outcome of a reminder that has been handled; present means never again. */
    public static String reminderDone(String reminderId) {
        return PREFIX + "rem:done:" + reminderId;
    }

    /** ZSET of reminders whose delivery failed after every retry, scored by the time of failure. */
    public static String remindersFailed() {
        return PREFIX + "rem:failed";
    }

    /**
     * Pub/sub channel nobody listens to: a message published on it right before {@code WAIT} travels the replication
     * stream, so the wait covers everything the primary accepted until then, even when the script wrote nothing
     * itself (a retry answered from its idempotency key).
     */
    public static String replicationProbe() {
        return PREFIX + "replication-probe";
    }
}
