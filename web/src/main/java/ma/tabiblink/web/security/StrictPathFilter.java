package ma.tabiblink.web.security;

import java.io.IOException;
import java.util.Locale;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import ma.tabiblink.web.error.ApiError;
import ma.tabiblink.web.error.ErrorBody;
import ma.tabiblink.web.error.ErrorMetrics;

/**
 * Refuses paths with path parameters ({@code ;}). The container strips them before mapping, so
 * {@code /actuator;x/prometheus} would reach the metrics while a proxy rule on {@code /actuator/} never saw it.
 * Nothing in Tabib Link uses path parameters (no session ids in URLs). The container itself refuses encoded
 * slashes, backslashes, NUL bytes and traversals with the same code. Runs right after the security headers are set.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class StrictPathFilter extends OncePerRequestFilter {

    private final ObjectMapper json;
    private final ErrorMetrics errors;

    StrictPathFilter(ObjectMapper json, ErrorMetrics errors) {
        this.json = json;
        this.errors = errors;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String uri = request.getRequestURI().toLowerCase(Locale.ROOT);
        if (uri.indexOf(';') >= 0 || uri.contains("%3b")) {
            errors.count("rest", ApiError.BAD_PATH.name());
            response.setStatus(ApiError.BAD_PATH.status());
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            json.writeValue(response.getOutputStream(), ErrorBody.of(ApiError.BAD_PATH,
                    "This request path is refused: path parameters (;) are not allowed."));
            return;
        }
        chain.doFilter(request, response);
    }
}
