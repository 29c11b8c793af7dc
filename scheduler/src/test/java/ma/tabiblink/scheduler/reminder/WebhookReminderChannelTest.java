package ma.tabiblink.scheduler.reminder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class WebhookReminderChannelTest {

    private static final byte[] SECRET = "a-shared-webhook-secret-of-32-bytes".getBytes(StandardCharsets.UTF_8);
    private static final Reminder REMINDER = new Reminder("apt_x|60|1775462400000|1", "apt_x", Duration.ofHours(1),
            Instant.parse("2026-04-06T07:00:00Z"), Instant.parse("2026-04-06T08:00:00Z"),
            Instant.parse("2026-04-06T08:30:00Z"), ZoneId.of("Africa/Casablanca"), "dr.cardio", "cardiology",
            "disp-tinghir", "pat-1", true, Duration.ofMinutes(12));

    private record Received(String body, String timestamp, String signature, String delivery) {
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private URI serve(int... statuses) throws IOException {
        AtomicInteger call = new AtomicInteger();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", (HttpExchange exchange) -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(body, exchange.getRequestHeaders().getFirst(WebhookReminderChannel.TIMESTAMP_HEADER),
                    exchange.getRequestHeaders().getFirst(WebhookReminderChannel.SIGNATURE_HEADER),
                    exchange.getRequestHeaders().getFirst(WebhookReminderChannel.DELIVERY_HEADER)));
            int n = call.getAndIncrement();
            exchange.sendResponseHeaders(statuses[Math.min(n, statuses.length - 1)], -1);
            exchange.close();
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    }

    private WebhookReminderChannel channel(URI url) {
        return new WebhookReminderChannel(url, SECRET, 4, Duration.ofMillis(10), Duration.ofSeconds(5), Clock.systemUTC());
    }

    @Test
    void aDeliveryIsSignedWithHmacOverTimestampAndBodyAndRetriedAfterServerErrors() throws Exception {
        URI url = serve(503, 500, 200);

        channel(url).deliver(REMINDER);

        assertThat(received).hasSize(3);
        Received last = received.get(2);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
        String expected = java.util.HexFormat.of().formatHex(
                mac.doFinal((last.timestamp() + "." + last.body()).getBytes(StandardCharsets.UTF_8)));
        assertThat(last.signature()).isEqualTo("v1=" + expected);
        assertThat(last.delivery()).isEqualTo(REMINDER.id());
        JsonNode json = new ObjectMapper().readTree(last.body());
        assertThat(json.get("appointmentId").asText()).isEqualTo("apt_x");
        assertThat(json.get("localStart").asText()).isEqualTo("2026-04-06T09:00+01:00");
        assertThat(json.get("late").asBoolean()).isTrue();
        assertThat(json.get("lateBySeconds").asLong()).isEqualTo(720);
    }

    @Test
    void aClientErrorIsFinalAndRepeatedServerErrorsEndInAFailure() throws Exception {
        URI rejecting = serve(400);
        assertThatThrownBy(() -> channel(rejecting).deliver(REMINDER)).isInstanceOf(ReminderDeliveryException.class);
        assertThat(received).hasSize(1);
        stop();
        received.clear();

        URI failing = serve(503);
        assertThatThrownBy(() -> channel(failing).deliver(REMINDER)).isInstanceOf(ReminderDeliveryException.class);
        assertThat(received).hasSize(4);
    }
}
