package ma.tabiblink.records.consultation;

/** What the consultation comes from: a booked appointment, an urgent call, or a store-and-forward case. */
public enum ConsultationOrigin {
    APPOINTMENT, URGENT_CALL, ASYNCHRONOUS_CASE
}
