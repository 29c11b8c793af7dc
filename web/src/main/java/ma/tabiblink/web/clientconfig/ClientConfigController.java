package ma.tabiblink.web.clientconfig;

import java.time.Duration;
import java.util.List;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import ma.tabiblink.web.account.AccountRepository;
import ma.tabiblink.web.account.CurrentUser;
import ma.tabiblink.web.account.Languages;
import ma.tabiblink.web.config.TabibSettings;
import ma.tabiblink.web.signaling.EmbeddedSignaling;

/** What the browser needs to know to work: where the signalling server is, whether Jitsi is on, timeouts. */
@RestController
@RequestMapping("/api/v1/config")
@Tag(name = "Client configuration")
class ClientConfigController {

    private final TabibSettings settings;
    private final String publicSignalingUrl;
    private final EmbeddedSignaling signaling;
    private final String signalingPath;
    private final boolean signalingTls;
    private final String jitsiUrl;
    private final Duration idleTimeout;
    private final AccountRepository accounts;

    ClientConfigController(TabibSettings settings,
                           @Value("${tabib.signaling.public-url:}") String publicSignalingUrl,
                           EmbeddedSignaling signaling,
                           @Value("${tabib.signaling.path:/signal}") String signalingPath,
                           @Value("${tabib.tls.enabled:false}") boolean signalingTls,
                           @Value("${tabib.jitsi.url:}") String jitsiUrl,
                           @Value("${tabib.auth.idle-timeout:30m}") Duration idleTimeout,
                           AccountRepository accounts) {
        this.settings = settings;
        this.publicSignalingUrl = publicSignalingUrl;
        this.signaling = signaling;
        this.signalingPath = signalingPath;
        this.signalingTls = signalingTls;
        this.jitsiUrl = jitsiUrl;
        this.idleTimeout = idleTimeout;
        this.accounts = accounts;
    }

    @GetMapping
    @Operation(summary = "Client configuration: signalling URL, Jitsi, inactivity timeout, zone, languages, specialties")
    ClientConfig config(CurrentUser user, HttpServletRequest request) {
        return new ClientConfig(signalingUrl(request), !jitsiUrl.isBlank(), jitsiUrl, idleTimeout.toSeconds(),
                settings.zone().getId(), List.copyOf(Languages.SUPPORTED), settings.demo(),
                accounts.specialties().stream().sorted().toList());
    }

    /** The configured public URL (behind a reverse proxy) or the signalling port on the host the browser used. */
    private String signalingUrl(HttpServletRequest request) {
        if (!publicSignalingUrl.isBlank()) {
            return publicSignalingUrl;
        }
        return (signalingTls ? "wss://" : "ws://") + request.getServerName() + ":" + signaling.boundPort() + signalingPath;
    }

    record ClientConfig(String signalingUrl, boolean jitsiEnabled, String jitsiUrl, long idleTimeoutSeconds,
                        String zone, List<String> languages, boolean demo, List<String> specialties) {
    }
}
