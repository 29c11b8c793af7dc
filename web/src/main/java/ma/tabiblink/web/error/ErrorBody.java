package ma.tabiblink.web.error;

import java.util.Map;

import org.springframework.http.HttpStatus;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The JSON shape of every error the HTTP API sends. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ErrorBody(String code, String message, Map<String, Object> details) {

    public static ErrorBody of(ApiError error, String message) {
        return new ErrorBody(error.name(), message, Map.of());
    }

    /** The body of an error known only by its HTTP status (raised by the container or a filter). */
    public static ErrorBody forStatus(int status) {
        String code = switch (status) {
            case 400 -> ApiError.BAD_REQUEST.name();
            case 401 -> ApiError.AUTH_REQUIRED.name();
            case 403 -> ApiError.FORBIDDEN.name();
            case 404 -> ApiError.NOT_FOUND.name();
            case 405 -> ApiError.METHOD_NOT_ALLOWED.name();
            case 413 -> ApiError.PAYLOAD_TOO_LARGE.name();
            case 414 -> ApiError.URI_TOO_LONG.name();
            case 431 -> ApiError.HEADERS_TOO_LARGE.name();
            // The container's status is kept: here INTERNAL_ERROR stands for any 5xx, REQUEST_FAILED for any other 4xx.
            default -> status >= 500 ? ApiError.INTERNAL_ERROR.name() : "REQUEST_FAILED";
        };
        HttpStatus httpStatus = HttpStatus.resolve(status);
        return new ErrorBody(code, httpStatus == null ? "The request failed." : httpStatus.getReasonPhrase() + ".",
                Map.of());
    }
}
