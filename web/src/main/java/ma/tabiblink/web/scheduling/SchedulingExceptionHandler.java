package ma.tabiblink.web.scheduling;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import ma.tabiblink.scheduler.SchedulingException;
import ma.tabiblink.scheduler.availability.Slot;
import ma.tabiblink.web.error.ApiError;
import ma.tabiblink.web.error.ErrorBody;
import ma.tabiblink.web.scheduling.Views.SlotView;

/**
 * Maps the scheduler's coded refusals to HTTP: invalid input 400, not found 404, conflict 409 (a taken slot carries
 * the next free slots in {@code details.nextFreeSlots}), wrong role or owner 403, a change no Redis replica confirmed
 * in time 503 (retryable). Also for the cases' controllers, which book a consultation from a case, and the records'
 * controllers, which open the consultation of a booked appointment.
 */
@RestControllerAdvice(basePackages = {
        "ma.tabiblink.web.scheduling", "ma.tabiblink.web.cases", "ma.tabiblink.web.records"})
@Order(Ordered.HIGHEST_PRECEDENCE)
class SchedulingExceptionHandler {

    @ExceptionHandler(SchedulingException.class)
    ResponseEntity<ErrorBody> scheduling(SchedulingException e) {
        int status = switch (e.code().kind()) {
            case INVALID -> 400;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case FORBIDDEN -> 403;
            case UNAVAILABLE -> 503;
        };
        Map<String, Object> details = new LinkedHashMap<>();
        e.details().forEach((key, value) -> details.put(key, slotsAsViews(value)));
        return ResponseEntity.status(status).body(new ErrorBody(e.code().name(), e.getMessage(), details));
    }

    /** A value the scheduler refused while the JSON body was being read (e.g. a slot policy out of range). */
    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ErrorBody> unreadable(HttpMessageNotReadableException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SchedulingException scheduling) {
                return scheduling(scheduling);
            }
        }
        return ResponseEntity.badRequest().body(ErrorBody.of(ApiError.BAD_JSON,
                "The request body is missing or is not valid JSON of the expected shape."));
    }

    private static Object slotsAsViews(Object value) {
        if (value instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Slot) {
            return list.stream().map(s -> SlotView.of((Slot) s)).toList();
        }
        return value;
    }
}
