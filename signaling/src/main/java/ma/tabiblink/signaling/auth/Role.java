package ma.tabiblink.signaling.auth;

/** The roles a token can carry; the same names as the web application's roles. */
public enum Role {
    NURSE,
    SPECIALIST,
    COORDINATOR,
    ADMIN
}
