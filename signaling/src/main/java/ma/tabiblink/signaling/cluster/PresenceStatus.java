package ma.tabiblink.signaling.cluster;

/**
 * A specialist's presence, as the presence hash, the Lua scripts and the protocol spell it. A specialist sets
 * {@link #AVAILABLE} or {@link #AWAY}; {@link #BUSY} (in a call) and {@link #OFFLINE} (no live session) are only ever
 * what others see.
 */
public enum PresenceStatus {
    AVAILABLE("available"),
    AWAY("away"),
    BUSY("busy"),
    OFFLINE("offline");

    private final String value;

    PresenceStatus(String value) {
        this.value = value;
    }

    /** The status as stored and as sent to clients and listeners. */
    public String value() {
        return value;
    }

    /** The status a client asked for ({@code available} or {@code away}, as the protocol allows). */
    public static PresenceStatus of(String value) {
        for (PresenceStatus s : values()) {
            if (s.value.equals(value)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown presence status \"" + value + "\"");
    }
}
