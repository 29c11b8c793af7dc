package ma.tabiblink.signaling;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.SocketException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@Timeout(90)
class SlowConsumerTest {

    static SignalingFixture fx;
    static SignalingServer server;

    @BeforeAll
    static void start() throws Exception {
        fx = new SignalingFixture();
        server = fx.start(b -> b.nodeId("slow").maxMessagesPerSecond(1_000_000).messageBurst(1_000_000)
                .outboundWaterMarks(8 * 1024, 32 * 1024).slowConsumerGrace(Duration.ofMillis(200)));
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    @Test
    void aClientThatStopsReadingIsClosedWithoutStallingOthers() throws IOException {
        int port = server.boundPort();
        try (TestClient bystander = TestClient.connect(port, fx.tokens.nurse("bystander", "disp-tinghir"));
             RawWebSocket slow = new RawWebSocket(port, fx.tokens.nurse("nurse-slow", "disp-tinghir"))) {
            bystander.await("welcome");
            await().atMost(Duration.ofSeconds(5)).until(() -> server.view().localConnections() == 2);
            String id = "p".repeat(60);
            String ping = "{\"type\":\"ping\",\"id\":\"" + id + "\"}";
            IOException writeFailed = null;
            try {
                for (int i = 0; i < 400_000 && server.view().localConnections() == 2; i++) {
                    slow.sendText(ping);
                    if (i % 2000 == 0) {
                        String p = bystander.send("ping");
                        assertThat(bystander.await("pong").path("re").asText()).isEqualTo(p);
                    }
                }
            } catch (IOException e) {
                writeFailed = e;
            }
            // the sending ends when the server has dropped the connection, when a write fails on the connection it
            // dropped, or with every ping sent before its close takes effect (it waits for a close frame first):
            // whichever, the server must drop the client that reads nothing
            await().atMost(Duration.ofSeconds(20)).until(() -> server.view().localConnections() == 1);
            if (writeFailed != null) {
                assertThat(writeFailed).as("a write refused by the connection the server closed")
                        .isInstanceOf(SocketException.class);
            }
            String p = bystander.send("ping");
            assertThat(bystander.await("pong").path("re").asText()).isEqualTo(p);
            slow.drainUntilClosed();
        }
    }
}
