package ma.tabiblink.signaling.cluster;

/** What came of claiming a session to resume it. */
public enum ClaimResult {
    /** The session is now held by the claiming node. */
    RESUMED,
    /** Another connection still holds it (possibly on another node, which must be asked to give it up). */
    LIVE,
    /** The resume secret or the user does not match. */
    RESUME_INVALID,
    /** The session is gone: its resume window passed, or it never existed. */
    RESUME_EXPIRED
}
