package ma.tabiblink.ops.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LoadGeneratorCommandLineTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return LoadGenerator.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String errors() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anUnknownOptionIsRefusedWithItsNameAndTheUsage() {
        assertThat(run("--conections=10")).isEqualTo(2);
        assertThat(errors()).contains("error BAD_OPTION: unknown option --conections").contains("usage:");
    }

    @Test
    void ourServerNeedsTheSigningKeyFile() {
        assertThat(run("--target=tabib")).isEqualTo(2);
        assertThat(errors()).contains("--key-file is required");
    }

    @Test
    void anOddNumberOfConnectionsCannotMakePairs() {
        assertThat(run("--target=ws-pair", "--connections", "7")).isEqualTo(2);
        assertThat(errors()).contains("--connections must be even");
    }

    @Test
    void aNonNumericDurationIsRefused() {
        assertThat(run("--target=ws-pair", "--duration=ten")).isEqualTo(2);
        assertThat(errors()).contains("--duration must be a whole number, not 'ten'");
    }

    @Test
    void onlyWebSocketUrlsAreAccepted() {
        assertThat(run("--target=ws-pair", "--url=http://127.0.0.1:8081/signal")).isEqualTo(2);
        assertThat(errors()).contains("--url must be a ws:// URL");
    }

    @Test
    void idleAndCallScenariosNeedOurServer() {
        assertThat(run("--target=ws-pair", "--idle=100")).isEqualTo(2);
        assertThat(errors()).contains("need --target=tabib");
    }

    @Test
    void anUnreadableKeyFileStopsTheRunWithACodeNotAStackTrace() {
        assertThat(run("--target=tabib", "--key-file=/nonexistent/access-token.jwk", "--connections=2",
                "--phase-timeout=2")).isEqualTo(2);
        assertThat(errors()).contains("error KEY_FILE_UNREADABLE").doesNotContain("Exception");
    }

    @Test
    void optionsAcceptBothSpellings() {
        LoadOptions options = LoadOptions.parse("--target", "ws-pair", "--rate=500", "--connections", "40");
        assertThat(options.rate()).isEqualTo(500);
        assertThat(options.connections()).isEqualTo(40);
        assertThat(options.scenario()).isEqualTo(LoadOptions.Scenario.RELAY);
    }

    @Test
    void connectionsTakeTheGivenLocalAddressesInTurnFrom127_1_0_1() {
        LoadOptions options = LoadOptions.parse("--idle=600", "--key-file=k.jwk", "--source-addresses=300");

        assertThat(options.sourceAddress(0).getAddress().getHostAddress()).isEqualTo("127.1.0.1");
        assertThat(options.sourceAddress(256).getAddress().getHostAddress()).isEqualTo("127.1.1.1");
        assertThat(options.sourceAddress(299).getAddress().getHostAddress()).isEqualTo("127.1.1.44");
        assertThat(options.sourceAddress(300).getAddress().getHostAddress()).isEqualTo("127.1.0.1");
        assertThat(options.sourceAddress(0).getPort()).isZero();
    }

    @Test
    void withoutSourceAddressesTheKernelChooses() {
        assertThat(LoadOptions.parse("--idle=10", "--key-file=k.jwk").sourceAddress(3)).isNull();
    }
}
