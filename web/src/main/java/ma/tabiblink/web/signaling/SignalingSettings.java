package ma.tabiblink.web.signaling;

import java.io.File;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

import javax.crypto.SecretKey;
import javax.net.ssl.SSLException;

import org.springframework.core.env.Environment;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import ma.tabiblink.signaling.SignalingConfig;
import ma.tabiblink.signaling.transport.NetworkTransport;
import ma.tabiblink.web.config.StartupException;

/** Reads the signalling node's addresses, limits and timeouts from the environment into a {@link SignalingConfig}. */
final class SignalingSettings {

    private SignalingSettings() {
    }

    /**
     * @param webOrigins the origins the role screens are served from, accepted when no origin list is configured
     * @param stateKey   the key sealing what the nodes keep in Redis (see {@link SignalingStateKeyFile})
     */
    static SignalingConfig from(Environment env, Set<String> webOrigins, SecretKey stateKey) {
        SignalingConfig d = SignalingConfig.defaults();
        SignalingConfig.Builder b = d.toBuilder()
                .stateKey(stateKey)
                .bindHost(env.getProperty("tabib.signaling.host", d.bindHost()))
                .port(env.getProperty("tabib.signaling.port", Integer.class, d.port()))
                .path(env.getProperty("tabib.signaling.path", d.path()))
                .allowedOrigins(origins(env.getProperty("tabib.allowed-origins", ""), webOrigins))
                .maxFrameBytes(env.getProperty("tabib.signaling.max-frame-bytes", Integer.class, d.maxFrameBytes()))
                .maxMessagesPerSecond(env.getProperty("tabib.signaling.max-messages-per-second", Double.class, d.maxMessagesPerSecond()))
                .messageBurst(env.getProperty("tabib.signaling.message-burst", Integer.class, d.messageBurst()))
                .maxConnectionsPerUser(env.getProperty("tabib.signaling.max-connections-per-user", Integer.class, d.maxConnectionsPerUser()))
                .maxPendingCallsPerNurse(env.getProperty("tabib.signaling.max-pending-calls-per-nurse", Integer.class, d.maxPendingCallsPerNurse()))
                .resumeWindow(env.getProperty("tabib.signaling.resume-window", Duration.class, d.resumeWindow()))
                .ringTimeout(env.getProperty("tabib.signaling.ring-timeout", Duration.class, d.ringTimeout()))
                .idleTimeout(env.getProperty("tabib.signaling.idle-timeout", Duration.class, d.idleTimeout()))
                .heartbeatInterval(env.getProperty("tabib.signaling.heartbeat", Duration.class, d.heartbeatInterval()))
                .nodeTimeout(env.getProperty("tabib.signaling.node-timeout", Duration.class, d.nodeTimeout()))
                .tokenRefreshLead(env.getProperty("tabib.signaling.token-refresh-lead", Duration.class, d.tokenRefreshLead()))
                .appointmentJoinEarly(env.getProperty("tabib.signaling.appointment-join-early", Duration.class, d.appointmentJoinEarly()));
        b.transport(transport(env.getProperty("tabib.signaling.transport", "auto")));
        String nodeId = env.getProperty("tabib.signaling.node-id", "");
        if (!nodeId.isBlank()) {
            b.nodeId(nodeId);
        }
        if (env.getProperty("tabib.tls.enabled", Boolean.class, false)) {
            b.tls(sslContext(env.getProperty("tabib.tls.cert-file", ""), env.getProperty("tabib.tls.key-file", "")));
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new StartupException("Invalid signalling configuration: " + e.getMessage());
        }
    }

    static SslContext sslContext(String certFile, String keyFile) {
        try {
            return SslContextBuilder.forServer(new File(certFile), new File(keyFile)).build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new StartupException("The signalling server cannot use the TLS certificate " + certFile + ": " + e.getMessage());
        }
    }

    private static NetworkTransport transport(String configured) {
        return switch (configured.strip().toLowerCase(Locale.ROOT)) {
            case "auto", "" -> NetworkTransport.AUTO;
            case "io_uring" -> NetworkTransport.IO_URING;
            case "epoll" -> NetworkTransport.EPOLL;
            case "nio" -> NetworkTransport.NIO;
            default -> throw new StartupException("TABIB_SIGNALING_TRANSPORT must be auto, io_uring, epoll or nio, not '"
                    + configured + "'.");
        };
    }

    private static Set<String> origins(String configured, Set<String> webOrigins) {
        if (configured.isBlank()) {
            return webOrigins;
        }
        Set<String> origins = new LinkedHashSet<>();
        Arrays.stream(configured.split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(origins::add);
        return origins;
    }
}
