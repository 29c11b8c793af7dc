package ma.tabiblink.records.cases;

import java.time.Instant;

/** A request for more information from the specialist, or the nurse's reply to it. */
public record CaseMessage(int number, String authorId, String authorRole, Instant at, String text) {
}
