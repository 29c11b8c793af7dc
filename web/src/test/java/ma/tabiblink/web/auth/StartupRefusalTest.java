package ma.tabiblink.web.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

import ma.tabiblink.records.keys.KeyRing;
import ma.tabiblink.records.keys.KeystoreSettings;
import ma.tabiblink.web.TabibLinkApplication;

class StartupRefusalTest {

    @Test
    void withoutAnyConfigurationTheServerRefusesToStartAndSaysHowToGetDemoMode() throws Exception {
        assumeTrue(System.getenv("TABIB_DEMO") == null && System.getenv("REDIS_URL") == null,
                "this test needs an environment without TABIB_DEMO and REDIS_URL");
        Path dataDir = Files.createTempDirectory("tabib-plain-start");
        assertThatThrownBy(() -> new SpringApplicationBuilder(TabibLinkApplication.class)
                .web(WebApplicationType.NONE)
                .run("--tabib.data-dir=" + dataDir, "--tabib.signaling.port=0")
                .close())
                .hasStackTraceContaining("bash ops/run.sh")
                .hasStackTraceContaining("TABIB_DEMO=true")
                .hasStackTraceContaining("REDIS_URL")
                .hasStackTraceContaining("TABIB_TOKEN_KEY_FILE");
        // Nothing was created: no embedded Redis (so no admin/demo1234 account), no generated key.
        try (Stream<Path> created = Files.list(dataDir)) {
            assertThat(created).isEmpty();
        }
    }

    @Test
    void outsideDemoModeTheServerRefusesToStartWithoutASigningKey() throws Exception {
        Path dataDir = Files.createTempDirectory("tabib-nodemo");
        assertThatThrownBy(() -> start(dataDir, "--tabib.redis.url=redis://127.0.0.1:1"))
                .hasStackTraceContaining("access-token signing key")
                .hasStackTraceContaining("does not exist");
    }

    @Test
    void outsideDemoModeTheServerRefusesToStartWithoutRedisConfigured() throws Exception {
        Path dataDir = Files.createTempDirectory("tabib-nodemo");
        SigningKeyFile.create(dataDir.resolve("keys/access-token.jwk"));
        assertThatThrownBy(() -> start(dataDir, "--tabib.redis.url="))
                .hasStackTraceContaining("No Redis configured: set REDIS_URL");
    }

    @Test
    void outsideDemoModeTheServerRefusesToStartWithoutTheSignallingStateKey() throws Exception {
        Path dataDir = Files.createTempDirectory("tabib-nodemo");
        SigningKeyFile.create(dataDir.resolve("keys/access-token.jwk"));
        String passphrase = "a records keystore passphrase long enough";
        KeyRing.initialise(KeystoreSettings.inDataDir(dataDir, passphrase, null, false));
        assertThatThrownBy(() -> start(dataDir, "--tabib.redis.url=redis://127.0.0.1:1",
                "--tabib.records.keystore-passphrase=" + passphrase))
                .hasStackTraceContaining("signalling state key")
                .hasStackTraceContaining("signaling-key");
    }

    @Test
    void aSigningKeyPublishedInTheRepositoryIsRefusedAtStartup() throws Exception {
        Path dataDir = Files.createTempDirectory("tabib-published-key");
        // The committed key's id on a fresh key: the refusal is by kid, and no key material sits in this test.
        ECKey published = new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE)
                .keyID("6232968d-89b5-43ae-9162-a4699384352d").generate();
        Files.createDirectories(dataDir.resolve("keys"));
        Files.writeString(dataDir.resolve("keys/access-token.jwk"), published.toJSONString());
        assertThatThrownBy(() -> start(dataDir, "--tabib.redis.url=redis://127.0.0.1:1"))
                .hasStackTraceContaining("was published in the source repository");
        assertThatThrownBy(() -> SigningKeyFile.loadOrCreate(dataDir.resolve("keys/access-token.jwk")))
                .hasMessageContaining("6232968d-89b5-43ae-9162-a4699384352d");
    }

    private static void start(Path dataDir, String redisUrl, String... more) {
        List<String> args = new ArrayList<>(List.of("--tabib.demo=false", "--tabib.data-dir=" + dataDir,
                "--tabib.signaling.port=0", redisUrl, "--tabib.redis.sentinels="));
        args.addAll(List.of(more));
        new SpringApplicationBuilder(TabibLinkApplication.class)
                .web(WebApplicationType.NONE)
                .run(args.toArray(String[]::new))
                .close();
    }
}
