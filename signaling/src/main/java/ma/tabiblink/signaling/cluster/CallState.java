package ma.tabiblink.signaling.cluster;

/** Where a call stands, as the call hash, the Lua scripts and the protocol's call summaries spell it. */
public enum CallState {
    /** An urgent call waiting for a specialist. */
    QUEUED("queued"),
    /** An urgent call offered to one specialist. */
    RINGING("ringing"),
    /** A booked consultation one participant has joined. */
    WAITING("waiting"),
    ACTIVE("active"),
    ENDED("ended");

    private final String value;

    CallState(String value) {
        this.value = value;
    }

    /** The state as stored and as sent to clients. */
    public String value() {
        return value;
    }

    static CallState of(String stored) {
        for (CallState s : values()) {
            if (s.value.equals(stored)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown call state \"" + stored + "\"");
    }
}
