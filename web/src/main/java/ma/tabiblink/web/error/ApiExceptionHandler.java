package ma.tabiblink.web.error;

import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

import jakarta.validation.ConstraintViolationException;
import redis.clients.jedis.exceptions.JedisBusyException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Turns every failure of a request into {@link ErrorBody}: a stable code and a message, never a stack trace.
 * Feature packages add advices of their own for their modules' coded exceptions; this one runs last.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class ApiExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ErrorBody> api(ApiException e) {
        return ResponseEntity.status(e.error().status())
                .body(new ErrorBody(e.error().name(), e.getMessage(), e.details()));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ErrorBody> unreadable(HttpMessageNotReadableException e) {
        return error(ApiError.BAD_JSON, "The request body is missing or is not valid JSON of the expected shape.");
    }

    @ExceptionHandler(MethodArgumentNotValidException.class)
    ResponseEntity<ErrorBody> invalid(MethodArgumentNotValidException e) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (FieldError field : e.getBindingResult().getFieldErrors()) {
            fields.putIfAbsent(field.getField(), field.getDefaultMessage());
        }
        return ResponseEntity.badRequest().body(new ErrorBody(ApiError.VALIDATION_FAILED.name(),
                "Some fields are missing or invalid.", Map.of("fields", fields)));
    }

    @ExceptionHandler({ConstraintViolationException.class, HandlerMethodValidationException.class})
    ResponseEntity<ErrorBody> constraint(Exception e) {
        return error(ApiError.VALIDATION_FAILED, "Some parameters are missing or invalid.");
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ErrorBody> typeMismatch(MethodArgumentTypeMismatchException e) {
        return error(ApiError.BAD_PARAMETER, "Parameter '" + e.getName() + "' has an invalid value.");
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ErrorBody> missingParameter(MissingServletRequestParameterException e) {
        return error(ApiError.MISSING_PARAMETER, "Parameter '" + e.getParameterName() + "' is required.");
    }

    @ExceptionHandler(MissingRequestHeaderException.class)
    ResponseEntity<ErrorBody> missingHeader(MissingRequestHeaderException e) {
        return error(ApiError.MISSING_HEADER, "Header '" + e.getHeaderName() + "' is required.");
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ErrorBody> method(HttpRequestMethodNotSupportedException e) {
        return error(ApiError.METHOD_NOT_ALLOWED, "Method " + e.getMethod() + " is not allowed here.");
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ErrorBody> mediaType(HttpMediaTypeNotSupportedException e) {
        return error(ApiError.UNSUPPORTED_MEDIA_TYPE, "Send JSON with Content-Type: application/json.");
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<ErrorBody> notAcceptable(HttpMediaTypeNotAcceptableException e) {
        return error(ApiError.NOT_ACCEPTABLE, "This resource cannot be sent in the requested format.");
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ErrorBody> notFound(NoResourceFoundException e) {
        return error(ApiError.NOT_FOUND, "Nothing here.");
    }

    /**
     * Redis unreachable, its connections all taken, still loading its data after a restart, or in the middle of a
     * Sentinel failover (a demoted primary refusing writes as a replica, a primary without the replicas its
     * {@code min-replicas-to-write} asks for): a passing state, not a bug; the client retries. Any other Redis error
     * (a script or data error) is one, and falls through to 500.
     */
    @ExceptionHandler(JedisException.class)
    ResponseEntity<ErrorBody> redis(JedisException e) {
        if (e instanceof JedisDataException && !isTransient((JedisDataException) e)) {
            return unexpected(e);
        }
        log.warn("Redis unavailable: {}", e.getMessage());
        return error(ApiError.TEMPORARILY_UNAVAILABLE,
                "The service is temporarily unavailable. Try again in a moment.");
    }

    private static boolean isTransient(JedisDataException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        return e instanceof JedisBusyException || message.startsWith("LOADING") || message.startsWith("TRYAGAIN")
                || message.startsWith("MASTERDOWN") || message.startsWith("READONLY")
                || message.startsWith("NOREPLICAS");
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ErrorBody> unexpected(Exception e) {
        log.error("Unexpected error while serving a request", e);
        return error(ApiError.INTERNAL_ERROR, "Something went wrong on the server.");
    }

    private static ResponseEntity<ErrorBody> error(ApiError error, String message) {
        return ResponseEntity.status(error.status()).body(ErrorBody.of(error, message));
    }
}
