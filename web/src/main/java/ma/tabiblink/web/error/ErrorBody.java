package ma.tabiblink.web.error;

import java.util.Map;

import org.springframework.http.HttpStatus;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The JSON shape of every error the HTTP API sends. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ErrorBody(String code, String message, Map<String, Object> details) {

    public static ErrorBody of(String code, String message) {
        return new ErrorBody(code, message, Map.of());
    }

    /** The body of an error known only by its HTTP status (raised by the container or a filter). */
    public static ErrorBody forStatus(int status) {
        String code = switch (status) {
            case 400 -> "BAD_REQUEST";
            case 401 -> "AUTH_REQUIRED";
            case 403 -> "FORBIDDEN";
            case 404 -> "NOT_FOUND";
            case 405 -> "METHOD_NOT_ALLOWED";
            case 413 -> "PAYLOAD_TOO_LARGE";
            case 414 -> "URI_TOO_LONG";
            case 431 -> "HEADERS_TOO_LARGE";
            default -> status >= 500 ? "INTERNAL_ERROR" : "REQUEST_FAILED";
        };
        HttpStatus httpStatus = HttpStatus.resolve(status);
        return of(code, httpStatus == null ? "The request failed." : httpStatus.getReasonPhrase() + ".");
    }
}
