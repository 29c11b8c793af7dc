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
import ma.tabiblink.web.signaling.EmbeddedSignaling;

/**
 * Browser hardening on every response: a strict Content-Security-Policy (scripts from this origin and the configured
 * Jitsi Meet only, no inline script, connections only to this origin and the signalling server, never framed), no
 * MIME sniffing, no referrer leaks, and API answers never cached (they carry health data).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class SecurityHeadersFilter extends OncePerRequestFilter {

    /** Swagger UI styles its own elements inline; its pages get the same policy with inline styles allowed. */
    private static final String SWAGGER_UI = "/swagger-ui";

    private final String permissionsPolicy;
    private final String jitsiOrigin;
    private final String publicSignalingOrigin;
    private final boolean signalingTls;
    private final EmbeddedSignaling signaling;

    /** The camera and microphone are ours, and the configured Jitsi Meet's when a call moves into its iframe. */
    SecurityHeadersFilter(@Value("${tabib.jitsi.url:}") String jitsiUrl,
                          @Value("${tabib.signaling.public-url:}") String publicSignalingUrl,
                          @Value("${tabib.tls.enabled:false}") boolean signalingTls,
                          EmbeddedSignaling signaling) {
        this.jitsiOrigin = jitsiUrl.isBlank() ? "" : origin(jitsiUrl);
        String allowed = jitsiOrigin.isEmpty() ? "(self)" : "(self \"" + jitsiOrigin + "\")";
        this.permissionsPolicy = "camera=" + allowed + ", microphone=" + allowed + ", display-capture=" + allowed
                + ", geolocation=()";
        this.publicSignalingOrigin = publicSignalingUrl.isBlank() ? "" : origin(publicSignalingUrl);
        this.signalingTls = signalingTls;
        this.signaling = signaling;
    }

    private static String origin(String url) {
        URI uri = URI.create(url.strip());
        return uri.getScheme() + "://" + uri.getAuthority();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setHeader("Content-Security-Policy", contentSecurityPolicy(request));
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Permissions-Policy", permissionsPolicy);
        response.setHeader("Cross-Origin-Opener-Policy", "same-origin");
        if (request.isSecure()) {
            response.setHeader("Strict-Transport-Security", "max-age=31536000");
        }
        if (request.getRequestURI().startsWith("/api/")) {
            response.setHeader("Cache-Control", "no-store");
        }
        chain.doFilter(request, response);
    }

    private String contentSecurityPolicy(HttpServletRequest request) {
        String jitsi = jitsiOrigin.isEmpty() ? "" : " " + jitsiOrigin;
        boolean swagger = request.getRequestURI().startsWith(SWAGGER_UI);
        return "default-src 'self'"
                + "; script-src 'self'" + jitsi
                + "; style-src 'self'" + (swagger ? " 'unsafe-inline'" : "")
                + "; img-src 'self' data: blob:"
                + "; media-src 'self' blob:"
                + "; font-src 'self'"
                + "; connect-src 'self' " + signalingOrigin(request)
                + "; frame-src " + (jitsiOrigin.isEmpty() ? "'none'" : jitsiOrigin)
                + "; worker-src 'self'"
                + "; manifest-src 'self'"
                + "; object-src 'none'"
                + "; base-uri 'none'"
                + "; form-action 'self'"
                + "; frame-ancestors 'none'";
    }

    /** Where browsers open the signalling WebSocket: the public URL behind a proxy, else the node's own port. */
    private String signalingOrigin(HttpServletRequest request) {
        if (!publicSignalingOrigin.isEmpty()) {
            return publicSignalingOrigin;
        }
        String host = request.getServerName();
        if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        int port = signaling.boundPort();
        return (signalingTls ? "wss://" : "ws://") + host + ":" + (port < 0 ? "*" : Integer.toString(port));
    }
}
