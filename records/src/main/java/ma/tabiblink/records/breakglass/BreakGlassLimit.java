package ma.tabiblink.records.breakglass;

import java.time.Duration;

/**
 * How often one user may use emergency access: at most {@code maxAccesses} within any {@code window}. Beyond that
 * they are refused with {@code BREAK_GLASS_RATE_LIMITED} until their oldest access in the window ages out.
 */
public record BreakGlassLimit(int maxAccesses, Duration window) {

    public static final BreakGlassLimit DEFAULT = new BreakGlassLimit(10, Duration.ofHours(24));

    public BreakGlassLimit {
        if (maxAccesses < 1) {
            throw new IllegalArgumentException("the break-glass limit must allow at least one access");
        }
        if (window == null || window.toMillis() < 1) {
            throw new IllegalArgumentException("the break-glass window must be positive");
        }
    }
}
