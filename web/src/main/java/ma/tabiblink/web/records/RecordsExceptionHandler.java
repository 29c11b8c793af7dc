package ma.tabiblink.web.records;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import ma.tabiblink.records.RecordsError;
import ma.tabiblink.records.RecordsException;
import ma.tabiblink.web.error.ErrorBody;

/** Maps the records module's coded errors to HTTP statuses; the code is the module's, the message is safe to show. */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class RecordsExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(RecordsExceptionHandler.class);

    @ExceptionHandler(RecordsException.class)
    ResponseEntity<ErrorBody> records(RecordsException e) {
        int status = status(e.code());
        if (status >= 500) {
            // Codes and messages of the module never carry patient data or key material.
            log.warn("records error {}: {}", e.code(), e.getMessage());
        }
        return ResponseEntity.status(status).body(new ErrorBody(e.code().name(), e.getMessage(), e.details()));
    }

    static int status(RecordsError code) {
        return switch (code) {
            case INVALID_INPUT, BREAK_GLASS_REASON_REQUIRED -> 400;
            case ACCESS_DENIED -> 403;
            case PATIENT_NOT_FOUND, CONSULTATION_NOT_FOUND, NOTE_NOT_FOUND, NOTE_VERSION_NOT_FOUND,
                 BREAK_GLASS_NOT_FOUND, CASE_NOT_FOUND, ATTACHMENT_NOT_FOUND -> 404;
            case PATIENT_DUPLICATE, PATIENT_POSSIBLE_DUPLICATE, NOTE_NOT_DRAFT, NOTE_DRAFT_PENDING, CONSENT_REQUIRED, KEY_IN_USE,
                 CASE_STATE_CONFLICT, CASE_ALREADY_CLAIMED, CASE_ANSWER_NOT_SIGNED, ATTACHMENT_LIMIT_REACHED,
                 UPLOAD_INCOMPLETE, UPLOAD_OFFSET_MISMATCH -> 409;
            case ATTACHMENT_TOO_LARGE -> 413;
            case IDEMPOTENCY_KEY_REUSED -> 422;
            case ATTACHMENT_TYPE_REFUSED -> 415;
            case PATIENT_ERASED, NOTE_SHREDDED -> 410;
            case BREAK_GLASS_RATE_LIMITED -> 429;
            case INTEGRITY_FAILURE -> 500;
            case KEY_UNAVAILABLE, KEYSTORE_UNAVAILABLE, AUDIT_UNAVAILABLE, NOT_REPLICATED -> 503;
        };
    }
}
