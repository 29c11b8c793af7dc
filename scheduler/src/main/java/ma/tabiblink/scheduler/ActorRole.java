package ma.tabiblink.scheduler;

/** Who performs an operation. {@code SYSTEM} is the scheduler itself (hold expiry, waitlist promotion). */
public enum ActorRole {
    NURSE, SPECIALIST, COORDINATOR, ADMIN, SYSTEM
}
