package ma.tabiblink.web.auth;

import java.io.IOException;
import java.util.Set;

import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import ma.tabiblink.web.error.ErrorBody;
import ma.tabiblink.web.error.ErrorMetrics;

/** Every {@code /api/v1} call but sign-in and refresh needs a valid Bearer access token. */
public class BearerTokenFilter extends OncePerRequestFilter {

    static final String CURRENT_USER_ATTRIBUTE = BearerTokenFilter.class.getName() + ".user";
    private static final Set<String> PUBLIC_PATHS = Set.of("/api/v1/auth/login", "/api/v1/auth/refresh");

    private final AccessTokens tokens;
    private final ObjectMapper json;
    private final ErrorMetrics errors;

    public BearerTokenFilter(AccessTokens tokens, ObjectMapper json, ErrorMetrics errors) {
        this.tokens = tokens;
        this.json = json;
        this.errors = errors;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !requiresToken(request.getRequestURI().substring(request.getContextPath().length()));
    }

    /** Whether a request to this path must carry an access token (the API documentation says the same). */
    public static boolean requiresToken(String path) {
        return path.startsWith("/api/") && !PUBLIC_PATHS.contains(path);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : null;
        try {
            request.setAttribute(CURRENT_USER_ATTRIBUTE, tokens.verify(token).toCurrentUser());
        } catch (TokenException e) {
            String code = switch (e.reason()) {
                case MISSING -> "AUTH_REQUIRED";
                case EXPIRED -> "AUTH_EXPIRED";
                case INVALID -> "AUTH_INVALID";
            };
            errors.count("rest", code);
            response.setStatus(401);
            response.setHeader("WWW-Authenticate", "Bearer");
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            json.writeValue(response.getOutputStream(), ErrorBody.of(code, e.getMessage()));
            return;
        }
        chain.doFilter(request, response);
    }
}
