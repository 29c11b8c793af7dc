package ma.tabiblink.web.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import ma.tabiblink.web.TabibLinkApplication;

class DemoTlsTest {

    @Test
    void inDemoModeWithTlsOnTheServerGeneratesACertificateAndServesHttpsWithIt() throws Exception {
        Path dataDir = Files.createTempDirectory("tabib-tls");
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(TabibLinkApplication.class).run(
                "--tabib.demo=true", "--tabib.data-dir=" + dataDir, "--server.port=0", "--tabib.signaling.port=0",
                "--tabib.tls.enabled=true")) {
            int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
            Path certFile = dataDir.resolve("keys/tls-cert.pem");
            assertThat(Files.readString(dataDir.resolve("keys/tls-key.pem"))).startsWith("-----BEGIN PRIVATE KEY-----");

            X509Certificate cert;
            try (InputStream in = Files.newInputStream(certFile)) {
                cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            assertThat(cert.getSubjectAlternativeNames()).anySatisfy(name -> assertThat(name.get(1)).isEqualTo("127.0.0.1"));

            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("demo", cert);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);

            HttpResponse<String> health = HttpClient.newBuilder().sslContext(ssl).build().send(
                    HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/actuator/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("UP");
        }
    }
}
