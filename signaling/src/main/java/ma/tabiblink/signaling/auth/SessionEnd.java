package ma.tabiblink.signaling.auth;

/** Why a user's sign-in session, and with it their connections, ended. */
public enum SessionEnd {
    /** The user signed out. */
    SIGNED_OUT,
    /** The idle or the absolute limit of the session passed. */
    EXPIRED,
    /** The session was revoked (a refresh token was replayed). */
    REVOKED,
    /** An administrator disabled the account. */
    ACCOUNT_DISABLED,
    /** The account's role, dispensary or specialties changed: its tokens no longer say the truth. */
    ACCOUNT_CHANGED
}
