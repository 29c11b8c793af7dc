package ma.tabiblink.ops.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class RelayRunTest {

    @Test
    void closedLoopRelayAgainstAPairRelayUsesEveryPairAndCountsEachRelayedMessage() {
        try (PairRelayServer relay = new PairRelayServer()) {
            String report = new RelayRun(LoadOptions.parse("--target=ws-pair",
                    "--url=ws://127.0.0.1:" + relay.port() + "/", "--connections=20", "--warmup=0", "--duration=1"))
                    .run();

            assertThat(report).contains("connections: 20/20 ready").contains("pairs: 10/10 with both members connected");
            long measured = number(report, "relay: 10 pairs, (\\d+) messages relayed");
            assertThat(measured).isPositive().isEven();
            // The server relayed at least what was measured (warm-up and the last round trips come on top).
            assertThat(relay.relayed()).isGreaterThanOrEqualTo(measured);
            assertThat(report).containsPattern("relay_round_trip_p99_ms=\\d+\\.\\d+")
                    .doesNotContain("never came back").doesNotContain("unexpected");
        }
    }

    @Test
    void pacedRelayDoesNotExceedTheRequestedRate() {
        try (PairRelayServer relay = new PairRelayServer()) {
            String report = new RelayRun(LoadOptions.parse("--target=ws-pair",
                    "--url=ws://127.0.0.1:" + relay.port() + "/", "--connections=10", "--warmup=0", "--duration=2",
                    "--rate=100")).run();

            long measured = number(report, "relay: 5 pairs, (\\d+) messages relayed");
            // 100 messages/s for 2 s, plus at most the one round trip per pair that straddles each window edge.
            assertThat(measured).isPositive().isLessThanOrEqualTo(200 + 2 * 2 * 5);
        }
    }

    @Test
    void aRelayThatIsNotListeningIsReportedAsConnectionFailuresNotACrash() {
        int closedPort;
        try (PairRelayServer relay = new PairRelayServer()) {
            closedPort = relay.port();
        }
        String report = new RelayRun(LoadOptions.parse("--target=ws-pair", "--url=ws://127.0.0.1:" + closedPort + "/",
                "--connections=4", "--warmup=0", "--duration=1", "--phase-timeout=5")).run();

        assertThat(report).contains("connections: 0/4 ready").contains("CONNECT_FAILED")
                .contains("no pair could be set up; nothing to measure");
    }

    private static long number(String report, String regex) {
        Matcher m = Pattern.compile(regex).matcher(report);
        assertThat(m.find()).as("report matches %s:%n%s", regex, report).isTrue();
        return Long.parseLong(m.group(1));
    }
}
