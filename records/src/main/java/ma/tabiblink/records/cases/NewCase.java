package ma.tabiblink.records.cases;

/**
 * What a nurse sends a specialty about a patient of her dispensary.
 *
 * @param idempotencyKey chosen by the nurse's tablet for this case, so that sending it again after a lost answer
 *                       (the outbox retrying) returns the case already created instead of a second one
 */
public record NewCase(String patientId, String specialty, String question, Vitals vitals, CaseUrgency urgency,
                      String idempotencyKey) {
}
