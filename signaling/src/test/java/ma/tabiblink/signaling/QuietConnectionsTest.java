package ma.tabiblink.signaling;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Quiet connections: pinged while quiet, closed once quiet for the idle timeout, kept open by anything they send. */
@Timeout(60)
class QuietConnectionsTest {

    static SignalingFixture fx;
    /** Pings every 200 ms, closes after 1 s of quiet: a node of its own, its timeout would close other tests' clients. */
    static SignalingServer quick;

    @BeforeAll
    static void start() throws Exception {
        fx = new SignalingFixture();
        quick = fx.start(b -> b.nodeId("quick").idleTimeout(Duration.ofSeconds(1))
                .heartbeatInterval(Duration.ofMillis(200)));
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    @Test
    void aSilentClientIsPingedThenToldIdleTimeoutAndClosed() throws Exception {
        long started = System.nanoTime();
        try (RawWebSocket silent = new RawWebSocket(quick.boundPort(), fx.tokens.nurse("nurse-silent", "d"))) {
            assertThat(silent.readAllUntilClosed()).contains("IDLE_TIMEOUT");
            long after = Duration.ofNanos(System.nanoTime() - started).toMillis();
            assertThat(silent.closeCode()).isEqualTo(4408);
            // pinged at about 200, 400, 600 and 800 ms, closed at about 1 s
            assertThat(silent.pings()).isBetween(2, 6);
            assertThat(after).isBetween(900L, 5_000L);
        }
    }

    @Test
    void aClientThatKeepsSendingStaysOpenPastTheIdleTimeout() throws Exception {
        try (RawWebSocket chatty = new RawWebSocket(quick.boundPort(), fx.tokens.nurse("nurse-chatty", "d"))) {
            // it never answers the server's pings: only its own messages keep it open
            for (int i = 0; i < 10; i++) {
                chatty.sendText("{\"type\":\"ping\",\"id\":\"p" + i + "\"}");
                Thread.sleep(300);
            }
            chatty.sendText("{\"type\":\"ping\",\"id\":\"last\"}");
            String seen = chatty.readTextsUntil("\"last\"");
            assertThat(seen).doesNotContain("IDLE_TIMEOUT").contains("\"last\"");
            assertThat(chatty.closeCode()).isEqualTo(-1);
        }
    }

    @Test
    void aTcpClientThatNeverCompletesTheHandshakeIsClosed() throws Exception {
        try (Socket silent = connect(); Socket halfARequest = connect()) {
            halfARequest.getOutputStream().write("GET /signal HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            long started = System.nanoTime();
            assertThat(readUntilClosed(silent)).isZero();
            assertThat(readUntilClosed(halfARequest)).isZero();
            assertThat(Duration.ofNanos(System.nanoTime() - started).toMillis()).isLessThan(5_000L);
        }
    }

    private static Socket connect() throws IOException {
        Socket s = new Socket();
        s.setSoTimeout((int) TestClient.WAIT.toMillis());
        s.connect(new InetSocketAddress("127.0.0.1", quick.boundPort()));
        return s;
    }

    /** Bytes received before the server closed the connection (a read timeout fails the test). */
    private static long readUntilClosed(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        long total = 0;
        for (int n; (n = in.read(new byte[256])) >= 0; ) {
            total += n;
        }
        return total;
    }
}
