package ma.tabiblink.web.error;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.tomcat.util.res.StringManager;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The container's own error answers as coded JSON instead of Tomcat's HTML page: requests refused before they reach
 * the application, such as a path with an encoded slash or backslash, a NUL byte or a traversal ({@code BAD_PATH}),
 * headers larger than the limit ({@code HEADERS_TOO_LARGE}, 431) or a malformed request line or header.
 */
class JsonErrorReportValve extends ErrorReportValve {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Tomcat's messages for a parse failure, in the locale Tomcat uses, as the processor reports them. */
    private static final StringManager PARSER = StringManager.getManager("org.apache.coyote.http11");
    private static final String HEADERS_TOO_LARGE = PARSER.getString("iib.requestheadertoolarge.error");
    private static final String INVALID_TARGET = prefix(PARSER.getString("iib.invalidRequestTarget"));

    private final Consumer<String> countError;

    JsonErrorReportValve(Consumer<String> countError) {
        this.countError = countError;
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        ErrorBody body = classify(request, status, throwable);
        if (body.code().equals(ApiError.HEADERS_TOO_LARGE.name())) {
            response.setStatus(ApiError.HEADERS_TOO_LARGE.status());
        }
        countError.accept(body.code());
        try {
            response.setContentType("application/json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(JSON.writeValueAsString(body));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The client is gone or the response cannot be written: nothing more to tell it.
        }
    }

    private static ErrorBody classify(Request request, int status, Throwable throwable) {
        if (status != 400) {
            return ErrorBody.forStatus(status);
        }
        if (throwable instanceof IllegalArgumentException parseFailure) {
            // The request line or headers could not be parsed: the processor hands over why.
            String message = String.valueOf(parseFailure.getMessage());
            if (message.equals(HEADERS_TOO_LARGE)) {
                return ErrorBody.of(ApiError.HEADERS_TOO_LARGE, "The request headers are too large.");
            }
            return message.startsWith(INVALID_TARGET) ? badPath()
                    : ErrorBody.of(ApiError.BAD_REQUEST, "The request line or a header is malformed.");
        }
        if (request.getContext() == null) {
            // Parsed, but the path could not be decoded and normalised, so it was never mapped.
            return badPath();
        }
        return ErrorBody.forStatus(status);
    }

    private static ErrorBody badPath() {
        return ErrorBody.of(ApiError.BAD_PATH,
                "This request path is refused: encoded slashes and backslashes, NUL bytes, "
                + "characters outside RFC 3986 and paths leaving the root are not allowed.");
    }

    private static String prefix(String pattern) {
        int argument = pattern.indexOf("{0}");
        return argument < 0 ? pattern : pattern.substring(0, argument);
    }
}
