package ma.tabiblink.web.records;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import ma.tabiblink.records.RecordsError;

/** The HTTP status of each records error is part of the API: clients and docs rely on every one of them. */
class RecordsErrorStatusTest {

    private static final Map<RecordsError, Integer> PUBLISHED = Map.ofEntries(
            entry(RecordsError.INVALID_INPUT, 400),
            entry(RecordsError.BREAK_GLASS_REASON_REQUIRED, 400),
            entry(RecordsError.ACCESS_DENIED, 403),
            entry(RecordsError.PATIENT_NOT_FOUND, 404),
            entry(RecordsError.CONSULTATION_NOT_FOUND, 404),
            entry(RecordsError.NOTE_NOT_FOUND, 404),
            entry(RecordsError.NOTE_VERSION_NOT_FOUND, 404),
            entry(RecordsError.BREAK_GLASS_NOT_FOUND, 404),
            entry(RecordsError.CASE_NOT_FOUND, 404),
            entry(RecordsError.ATTACHMENT_NOT_FOUND, 404),
            entry(RecordsError.PATIENT_DUPLICATE, 409),
            entry(RecordsError.PATIENT_POSSIBLE_DUPLICATE, 409),
            entry(RecordsError.NOTE_NOT_DRAFT, 409),
            entry(RecordsError.NOTE_DRAFT_PENDING, 409),
            entry(RecordsError.CONSENT_REQUIRED, 409),
            entry(RecordsError.KEY_IN_USE, 409),
            entry(RecordsError.CASE_STATE_CONFLICT, 409),
            entry(RecordsError.CASE_ALREADY_CLAIMED, 409),
            entry(RecordsError.CASE_ANSWER_NOT_SIGNED, 409),
            entry(RecordsError.ATTACHMENT_LIMIT_REACHED, 409),
            entry(RecordsError.UPLOAD_INCOMPLETE, 409),
            entry(RecordsError.UPLOAD_OFFSET_MISMATCH, 409),
            entry(RecordsError.PATIENT_ERASED, 410),
            entry(RecordsError.NOTE_SHREDDED, 410),
            entry(RecordsError.ATTACHMENT_TOO_LARGE, 413),
            entry(RecordsError.ATTACHMENT_TYPE_REFUSED, 415),
            entry(RecordsError.IDEMPOTENCY_KEY_REUSED, 422),
            entry(RecordsError.BREAK_GLASS_RATE_LIMITED, 429),
            entry(RecordsError.INTEGRITY_FAILURE, 500),
            entry(RecordsError.KEY_UNAVAILABLE, 503),
            entry(RecordsError.KEYSTORE_UNAVAILABLE, 503),
            entry(RecordsError.AUDIT_UNAVAILABLE, 503),
            entry(RecordsError.NOT_REPLICATED, 503));

    @Test
    void everyRecordsErrorAnswersItsPublishedStatus() {
        Map<RecordsError, Integer> answered = new EnumMap<>(RecordsError.class);
        for (RecordsError code : RecordsError.values()) {
            answered.put(code, RecordsExceptionHandler.status(code));
        }
        assertThat(answered).isEqualTo(PUBLISHED);
    }
}
