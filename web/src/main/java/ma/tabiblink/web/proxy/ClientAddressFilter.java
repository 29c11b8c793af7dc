package ma.tabiblink.web.proxy;

import java.io.IOException;
import java.util.Collections;
import java.util.List;

import org.springframework.web.filter.OncePerRequestFilter;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Makes {@code getRemoteAddr()} the real client's address for everything after it (sign-in throttling, the audit
 * log), believing {@code X-Forwarded-For} only from {@link TrustedProxies}.
 */
class ClientAddressFilter extends OncePerRequestFilter {

    private final TrustedProxies proxies;

    ClientAddressFilter(TrustedProxies proxies) {
        this.proxies = proxies;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        List<String> forwarded = Collections.list(request.getHeaders("X-Forwarded-For"));
        String client = forwarded.isEmpty() ? request.getRemoteAddr()
                : proxies.clientAddress(request.getRemoteAddr(), forwarded);
        chain.doFilter(new HttpServletRequestWrapper(request) {
            @Override
            public String getRemoteAddr() {
                return client;
            }

            @Override
            public String getRemoteHost() {
                return client;
            }
        }, response);
    }
}
