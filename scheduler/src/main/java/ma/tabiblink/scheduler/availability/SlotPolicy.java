package ma.tabiblink.scheduler.availability;

import java.time.Duration;
import ma.tabiblink.scheduler.ErrorCode;
import ma.tabiblink.scheduler.SchedulingException;

/** How a specialty's clinic time is cut: slot length, buffer between slots, patients per slot. */
public record SlotPolicy(int slotMinutes, int bufferMinutes, int capacity) {

    /** Longest slot allowed; the overlap checks in Lua look this far back. */
    public static final int MAX_SLOT_MINUTES = 240;
    public static final SlotPolicy DEFAULT = new SlotPolicy(30, 10, 1);

    public SlotPolicy {
        if (slotMinutes < 5 || slotMinutes > MAX_SLOT_MINUTES) {
            throw new SchedulingException(ErrorCode.INVALID_SCHEDULE,
                    "Slot length must be between 5 and " + MAX_SLOT_MINUTES + " minutes.");
        }
        if (bufferMinutes < 0 || bufferMinutes > 120) {
            throw new SchedulingException(ErrorCode.INVALID_SCHEDULE, "Buffer must be between 0 and 120 minutes.");
        }
        if (capacity < 1 || capacity > 50) {
            throw new SchedulingException(ErrorCode.INVALID_SCHEDULE, "Capacity must be between 1 and 50.");
        }
    }

    public Duration slotLength() {
        return Duration.ofMinutes(slotMinutes);
    }

    public Duration buffer() {
        return Duration.ofMinutes(bufferMinutes);
    }
}
