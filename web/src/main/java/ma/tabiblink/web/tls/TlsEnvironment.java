package ma.tabiblink.web.tls;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import ma.tabiblink.web.config.StartupException;

/**
 * Decides whether HTTP and signalling use TLS, before the web server starts. {@code tabib.tls.enabled=auto} (the
 * default) turns TLS on when the HTTP server is bound beyond loopback. The certificate comes from
 * {@code TABIB_TLS_CERT}/{@code TABIB_TLS_KEY} (PEM), or in demo mode is generated once into the data folder.
 * The outcome is published as {@code server.ssl.*} and {@code tabib.tls.cert-file}/{@code key-file}.
 */
public class TlsEnvironment implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        String host = env.getProperty("server.address", "127.0.0.1");
        String setting = env.getProperty("tabib.tls.enabled", "auto");
        boolean enabled = "auto".equalsIgnoreCase(setting) ? !loopback(host) : Boolean.parseBoolean(setting);
        if (!enabled) {
            env.getPropertySources().addFirst(new MapPropertySource("tabib-tls", Map.of("tabib.tls.enabled", "false")));
            return;
        }
        String certSetting = env.getProperty("tabib.tls.cert", "");
        String keySetting = env.getProperty("tabib.tls.key", "");
        Path cert;
        Path key;
        if (!certSetting.isBlank() && !keySetting.isBlank()) {
            cert = Path.of(certSetting);
            key = Path.of(keySetting);
            if (!Files.isReadable(cert) || !Files.isReadable(key)) {
                throw new StartupException("TLS certificate or key not readable: TABIB_TLS_CERT=" + cert + ", TABIB_TLS_KEY=" + key);
            }
        } else if (env.getProperty("tabib.demo", Boolean.class, true)) {
            Path keys = Path.of(env.getProperty("tabib.data-dir", "./data")).toAbsolutePath().resolve("keys");
            cert = keys.resolve("tls-cert.pem");
            key = keys.resolve("tls-key.pem");
            SelfSignedCertificate.ensure(cert, key, names(host, env.getProperty("tabib.tls.hostnames", "")));
        } else {
            throw new StartupException("HTTP is bound to " + host + " beyond loopback, so TLS is required: set TABIB_TLS_CERT "
                    + "and TABIB_TLS_KEY (PEM files), or terminate TLS in a reverse proxy and bind to 127.0.0.1.");
        }
        env.getPropertySources().addFirst(new MapPropertySource("tabib-tls", Map.of(
                "tabib.tls.enabled", "true",
                "tabib.tls.cert-file", cert.toAbsolutePath().toString(),
                "tabib.tls.key-file", key.toAbsolutePath().toString(),
                "server.ssl.enabled", "true",
                "server.ssl.certificate", "file:" + cert.toAbsolutePath(),
                "server.ssl.certificate-private-key", "file:" + key.toAbsolutePath(),
                "server.http2.enabled", "true")));
    }

    private static Set<String> names(String host, String extra) {
        Set<String> names = new LinkedHashSet<>(Set.of("localhost", "127.0.0.1"));
        if (!host.isBlank() && !"0.0.0.0".equals(host) && !"::".equals(host)) {
            names.add(host);
        }
        try {
            names.add(InetAddress.getLocalHost().getHostName());
        } catch (UnknownHostException ignored) {
            // The machine's own name is a convenience, not a requirement.
        }
        Arrays.stream(extra.split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(names::add);
        return names;
    }

    private static boolean loopback(String host) {
        return host.isBlank() || "localhost".equalsIgnoreCase(host) || host.startsWith("127.") || "::1".equals(host)
                || "[::1]".equals(host);
    }
}
