package ma.tabiblink.records.cases;

/**
 * Where a case stands. A nurse prepares it (DRAFT: text and attachments arriving, seen by her dispensary only) and
 * sends it (SUBMITTED: in the specialty's inbox); a specialist claims it (CLAIMED), may ask for more information
 * (INFO_REQUESTED: back with the nurse until she replies) and answers it with a signed note (ANSWERED).
 */
public enum CaseStatus {
    DRAFT, SUBMITTED, CLAIMED, INFO_REQUESTED, ANSWERED
}
