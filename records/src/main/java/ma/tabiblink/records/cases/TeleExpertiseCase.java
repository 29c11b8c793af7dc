package ma.tabiblink.records.cases;

import java.util.List;

/**
 * A case as its readers see it: its summary, the question and vitals, the exchanges between specialist and nurse,
 * and its attachments (complete ones only for anyone but the nurses of its dispensary).
 */
public record TeleExpertiseCase(CaseSummary summary, String question, Vitals vitals, List<CaseMessage> messages,
                                List<AttachmentInfo> attachments, String consultationId) {
}
