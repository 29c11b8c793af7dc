package ma.tabiblink.web.security;

import java.io.IOException;
import java.net.URI;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Browser hardening on every response: no MIME sniffing, no framing by other sites, no referrer leaks, and API
 * answers never cached (they carry health data).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class SecurityHeadersFilter extends OncePerRequestFilter {

    private final String permissionsPolicy;

    /** The camera and microphone are ours, and the configured Jitsi Meet's when a call moves into its iframe. */
    SecurityHeadersFilter(@Value("${tabib.jitsi.url:}") String jitsiUrl) {
        String allowed = jitsiUrl.isBlank() ? "(self)" : "(self \"" + origin(jitsiUrl) + "\")";
        this.permissionsPolicy = "camera=" + allowed + ", microphone=" + allowed + ", display-capture=" + allowed
                + ", geolocation=()";
    }

    private static String origin(String url) {
        URI uri = URI.create(url.strip());
        return uri.getScheme() + "://" + uri.getAuthority();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "SAMEORIGIN");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Permissions-Policy", permissionsPolicy);
        if (request.isSecure()) {
            response.setHeader("Strict-Transport-Security", "max-age=31536000");
        }
        if (request.getRequestURI().startsWith("/api/")) {
            response.setHeader("Cache-Control", "no-store");
        }
        chain.doFilter(request, response);
    }
}
