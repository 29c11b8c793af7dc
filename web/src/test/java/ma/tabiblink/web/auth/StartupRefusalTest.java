package ma.tabiblink.web.auth;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;

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

    private static void start(Path dataDir, String redisUrl) {
        new SpringApplicationBuilder(TabibLinkApplication.class)
                .web(WebApplicationType.NONE)
                .run("--tabib.demo=false", "--tabib.data-dir=" + dataDir, "--tabib.signaling.port=0",
                        redisUrl, "--tabib.redis.sentinels=")
                .close();
    }
}
