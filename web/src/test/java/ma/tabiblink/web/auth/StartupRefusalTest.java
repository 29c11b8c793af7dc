package ma.tabiblink.web.auth;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

import ma.tabiblink.records.keys.KeyRing;
import ma.tabiblink.records.keys.KeystoreSettings;
import ma.tabiblink.web.TabibLinkApplication;

class StartupRefusalTest {

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
