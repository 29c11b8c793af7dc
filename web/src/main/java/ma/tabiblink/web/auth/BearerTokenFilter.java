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
import ma.tabiblink.web.error.ApiError;
import ma.tabiblink.web.error.ErrorBody;
import ma.tabiblink.web.error.ErrorMetrics;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Every {@code /api/v1} call but sign-in, refresh and sign-out needs a valid Bearer access token whose sign-in session
 * is still going. Sign-out takes one too when it is sent, but works without (with the refresh token alone).
 */
public class BearerTokenFilter extends OncePerRequestFilter {

    static final String CLAIMS_ATTRIBUTE = BearerTokenFilter.class.getName() + ".claims";
    private static final Set<String> PUBLIC_PATHS = Set.of("/api/v1/auth/login", "/api/v1/auth/refresh");
    private static final String LOGOUT_PATH = "/api/v1/auth/logout";

    private final TokenVerifier tokens;
    private final ObjectMapper json;
    private final ErrorMetrics errors;

    public BearerTokenFilter(TokenVerifier tokens, ObjectMapper json, ErrorMetrics errors) {
        this.tokens = tokens;
        this.json = json;
        this.errors = errors;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = path(request);
        return !path.startsWith("/api/") || PUBLIC_PATHS.contains(path);
    }

    /**
     * Whether a request to this path must carry an access token (the API documentation says the same). Logout goes
     * through the filter, which reads a token if one is sent, but works with the refresh token alone.
     */
    public static boolean requiresToken(String path) {
        return path.startsWith("/api/") && !PUBLIC_PATHS.contains(path) && !LOGOUT_PATH.equals(path);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : null;
        boolean optional = LOGOUT_PATH.equals(path(request));
        try {
            request.setAttribute(CLAIMS_ATTRIBUTE, tokens.verify(token));
        } catch (TokenException e) {
            if (!optional) {
                ApiError error = switch (e.reason()) {
                    case MISSING -> ApiError.AUTH_REQUIRED;
                    case EXPIRED -> ApiError.AUTH_EXPIRED;
                    case INVALID -> ApiError.AUTH_INVALID;
                    case ENDED -> ApiError.SESSION_ENDED;
                };
                refuse(response, error, e.getMessage());
                return;
            }
        } catch (JedisException e) {
            if (!optional) {
                refuse(response, ApiError.TEMPORARILY_UNAVAILABLE,
                        "The service is temporarily unavailable. Try again in a moment.");
                return;
            }
        }
        chain.doFilter(request, response);
    }

    private void refuse(HttpServletResponse response, ApiError error, String message) throws IOException {
        errors.count("rest", error.name());
        response.setStatus(error.status());
        if (error.status() == 401) {
            response.setHeader("WWW-Authenticate", "Bearer");
        }
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        json.writeValue(response.getOutputStream(), ErrorBody.of(error, message));
    }

    private static String path(HttpServletRequest request) {
        return request.getRequestURI().substring(request.getContextPath().length());
    }
}
