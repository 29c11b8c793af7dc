package ma.tabiblink.records;

/** Who is acting on the records. {@link #SYSTEM} is the application itself (call routing, booking, demo seeding). */
public enum Role {
    NURSE, SPECIALIST, COORDINATOR, ADMIN, SYSTEM
}
