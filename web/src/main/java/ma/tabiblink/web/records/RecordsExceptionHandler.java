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

/**
 * Maps the records module's coded errors to HTTP statuses by their kind; the code is the module's, the message is safe
 * to show.
 */
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
        return switch (code.kind()) {
            case INVALID -> 400;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case GONE -> 410;
            case TOO_LARGE -> 413;
            case UNSUPPORTED_TYPE -> 415;
            case KEY_REUSED -> 422;
            case RATE_LIMITED -> 429;
            case CORRUPTED -> 500;
            case UNAVAILABLE -> 503;
        };
    }
}
