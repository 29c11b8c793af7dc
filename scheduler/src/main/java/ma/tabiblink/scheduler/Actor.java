package ma.tabiblink.scheduler;

import java.util.Objects;

/**
 * The user on whose behalf an operation runs, as the scheduler needs to know it: id, role and, for nurses,
 * the dispensary they work in.
 */
public record Actor(String userId, ActorRole role, String dispensaryId) {

    /** The scheduler acting on its own (hold expiry, waitlist promotion). */
    public static final Actor SYSTEM = new Actor("system", ActorRole.SYSTEM, null);

    public Actor {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(role, "role");
    }
}
