package ma.tabiblink.web.error;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The JSON shape of every error the HTTP API sends. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ErrorBody(String code, String message, Map<String, Object> details) {

    public static ErrorBody of(String code, String message) {
        return new ErrorBody(code, message, Map.of());
    }
}
