package ma.tabiblink.records.cases;

import java.time.Instant;

/**
 * A request for more information from the specialist, or the nurse's reply to it ({@code MESSAGE}); or what the
 * claimer did with the case besides writing: a consultation booked ({@code CONSULTATION_BOOKED}, with its
 * {@code appointmentId} and {@code appointmentStart}) or a live call asked for ({@code CALL_REQUESTED}).
 */
public record CaseMessage(int number, String authorId, String authorRole, Instant at, String text, String kind,
                          String appointmentId, Instant appointmentStart) {

    public static final String MESSAGE = "MESSAGE";
    public static final String CONSULTATION_BOOKED = "CONSULTATION_BOOKED";
    public static final String CALL_REQUESTED = "CALL_REQUESTED";
}
