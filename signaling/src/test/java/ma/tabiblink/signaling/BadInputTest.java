package ma.tabiblink.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import ma.tabiblink.signaling.auth.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class BadInputTest {

    static final String ORIGIN = "https://tabib.example";
    static SignalingFixture fx;
    static SignalingServer server;
    static int port;
    TestClient bystander;

    @BeforeAll
    static void start() throws Exception {
        fx = new SignalingFixture();
        server = fx.start(b -> b.nodeId("strict").allowedOrigins(Set.of(ORIGIN)).maxFrameBytes(4096)
                .maxMessagesPerSecond(20).messageBurst(20).maxConnectionsPerUser(2));
        port = server.boundPort();
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    @BeforeEach
    void connectBystander() {
        bystander = TestClient.connect(port, fx.tokens.nurse("bystander", "disp-tinghir"));
        bystander.await("welcome");
    }

    @AfterEach
    void bystanderIsStillServed() {
        String id = bystander.send("ping");
        assertThat(bystander.await("pong").path("re").asText()).isEqualTo(id);
        bystander.close();
    }

    TestClient nurse(String id) {
        TestClient c = TestClient.connect(port, fx.tokens.nurse(id, "disp-tinghir"));
        c.await("welcome");
        return c;
    }

    @Test
    void malformedJsonUnknownTypesAndInvalidFieldsGetTheirCodesAndTheConnectionStaysUsable() {
        try (TestClient c = nurse("nurse-bad1")) {
            c.sendRaw("{not json");
            assertThat(c.await("error").path("code").asText()).isEqualTo("MALFORMED_JSON");
            c.sendRaw("[1,2]");
            assertThat(c.await("error").path("code").asText()).isEqualTo("MALFORMED_JSON");
            c.sendRaw("{\"type\":\"teleport\",\"id\":\"x1\"}");
            JsonNode unknown = c.await("error");
            assertThat(unknown.path("code").asText()).isEqualTo("UNKNOWN_TYPE");
            assertThat(unknown.path("re").asText()).isEqualTo("x1");
            c.sendRaw("{\"id\":\"x2\"}");
            assertThat(c.await("error").path("code").asText()).isEqualTo("INVALID_MESSAGE");
            c.sendRaw("{\"type\":\"call.request\",\"id\":\"x3\",\"specialty\":\"Cardio logy!\",\"patientRef\":\"p\"}");
            JsonNode invalid = c.await("error");
            assertThat(invalid.path("code").asText()).isEqualTo("INVALID_MESSAGE");
            assertThat(invalid.path("message").asText()).contains("specialty");
            c.sendRaw("{\"type\":\"call.accept\",\"id\":{\"nested\":1}}");
            assertThat(c.await("error").path("code").asText()).isEqualTo("INVALID_MESSAGE");
            c.sendRaw("{\"type\":\"session.resume\",\"id\":\"x4\",\"resumeToken\":\"t\",\"lastSeq\":\"many\"}");
            assertThat(c.await("error").path("code").asText()).isEqualTo("INVALID_MESSAGE");
            c.sendBinary(new byte[] {1, 2, 3});
            assertThat(c.await("error").path("code").asText()).isEqualTo("BINARY_NOT_SUPPORTED");
            assertThat(c.all()).allSatisfy(m -> assertThat(m.toString()).doesNotContain("Exception"));
            c.send("ping");
            assertThat(c.await("pong")).isNotNull();
        }
    }

    @Test
    void messagesOutOfStateOrRoleAreRefusedWithCodes() {
        try (TestClient c = nurse("nurse-bad2")) {
            c.send("call.accept", "callId", "c-nope");
            assertThat(c.await("error").path("code").asText()).isEqualTo("FORBIDDEN_ROLE");
            c.send("presence.set", "status", "available");
            assertThat(c.await("error").path("code").asText()).isEqualTo("FORBIDDEN_ROLE");
            c.send("call.hangup", "callId", "c-nope");
            assertThat(c.await("error").path("code").asText()).isEqualTo("UNKNOWN_CALL");
            c.send("sdp.offer", "callId", "c-nope", "sdp", "x");
            assertThat(c.await("error").path("code").asText()).isEqualTo("NOT_IN_CALL");
            c.send("call.join", "appointmentId", "appt-1");
            assertThat(c.await("error").path("code").asText()).isEqualTo("UNKNOWN_APPOINTMENT");
            c.send("session.resume", "resumeToken", "nodot", "lastSeq", 0);
            assertThat(c.await("error").path("code").asText()).isEqualTo("RESUME_INVALID");
            c.send("call.request", "specialty", "cardiology", "patientRef", "p1");
            c.await("call.queued");
            c.send("call.request", "specialty", "cardiology", "patientRef", "p2");
            c.await("call.queued");
            c.send("call.request", "specialty", "cardiology", "patientRef", "p3");
            assertThat(c.await("error").path("code").asText()).isEqualTo("TOO_MANY_PENDING_CALLS");
        }
    }

    @Test
    void anOversizedFrameIsRefusedAndClosesWith1009() {
        try (TestClient c = nurse("nurse-bad3")) {
            c.sendRaw("{\"type\":\"ping\",\"id\":\"big\",\"pad\":\"" + "x".repeat(8000) + "\"}");
            assertThat(c.await("error").path("code").asText()).isEqualTo("FRAME_TOO_LARGE");
            assertThat(c.awaitClose()).isEqualTo(1009);
        }
        try (TestClient c = nurse("nurse-bad3")) {
            try {
                c.sendRaw("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(100_000) + "\"}");
            } catch (java.util.concurrent.CompletionException closedWhileSending) {
                assertThat(closedWhileSending).hasCauseInstanceOf(IOException.class);
            }
            // 1009 when the client reads the close frame; -1 when the reset reached it first, mid-send
            assertThat(c.awaitClose()).isIn(1009, -1);
        }
    }

    @Test
    void aMessageSentInFragmentsIsAnsweredLikeOneFrame() {
        try (TestClient c = nurse("nurse-frag1")) {
            String ping = "{\"type\":\"ping\",\"id\":\"in-parts\",\"pad\":\"" + "x".repeat(3000) + "\"}";
            c.sendInFragments(ping, 10, 1500);
            assertThat(c.await("pong").path("re").asText()).isEqualTo("in-parts");
            c.sendRaw("{\"type\":\"ping\",\"id\":\"whole\"}");
            assertThat(c.await("pong").path("re").asText()).isEqualTo("whole");
            c.sendInFragments("{\"type\":\"ping\",\"id\":\"again\"}", 5);
            assertThat(c.await("pong").path("re").asText()).isEqualTo("again");
        }
    }

    @Test
    void aFragmentedMessageOverTheLimitIsRefusedAsAnOversizedFrameIs() {
        try (TestClient c = nurse("nurse-frag2")) {
            // 4096 bytes is the limit: each fragment is under it, the message is not
            c.sendInFragments("{\"type\":\"ping\",\"id\":\"big\",\"pad\":\"" + "x".repeat(6000) + "\"}", 3000);
            assertThat(c.await("error").path("code").asText()).isEqualTo("FRAME_TOO_LARGE");
            assertThat(c.awaitClose()).isEqualTo(1009);
        }
        try (TestClient c = nurse("nurse-frag2")) {
            // past twice the limit, the fragments are not even put together: the connection is cut
            try {
                c.sendInFragments("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(12_000) + "\"}", 4000, 8000);
            } catch (java.util.concurrent.CompletionException closedWhileSending) {
                assertThat(closedWhileSending).hasCauseInstanceOf(IOException.class);
            }
            assertThat(c.hasReceived("error")).isFalse();
            assertThat(c.awaitClose()).isEqualTo(1000);
        }
    }

    @Test
    void aFloodIsRateLimitedAndClosedWith4430() throws InterruptedException {
        try (TestClient c = nurse("nurse-bad4")) {
            // Far more than the burst, so that even a slow sender outpaces the refill rate. The flood stops once the
            // server has said so: data sent to a socket the server has closed makes it answer with a TCP reset,
            // which would discard what the client had not read yet.
            for (int i = 0; i < 5_000 && !c.hasReceived("error") && !c.closed.isDone(); i++) {
                try {
                    c.sendRaw("{\"type\":\"ping\",\"id\":\"f" + i + "\"}");
                } catch (java.util.concurrent.CompletionException closedByServer) {
                    break;
                }
                if (i % 10 == 9) {
                    Thread.sleep(1);
                }
            }
            assertThat(c.await("error").path("code").asText()).isEqualTo("RATE_LIMITED");
            // 4430 when the close frame is read; -1 when a reset for the last pings in flight reached the client first
            assertThat(c.awaitClose()).isIn(4430, -1);
        }
    }

    @Test
    void missingInvalidAndExpiredTokensAreRefusedWith4401() {
        for (var t : List.of(new String[] {null, "AUTH_MISSING"}, new String[] {"garbage", "AUTH_INVALID"},
                new String[] {fx.tokens.signWithOtherKey("nurse1"), "AUTH_INVALID"},
                new String[] {fx.tokens.mint("nurse1", Role.NURSE, List.of(), "d", "p", Duration.ofSeconds(-5)),
                        "AUTH_EXPIRED"})) {
            try (TestClient c = TestClient.connect(port, t[0])) {
                JsonNode error = c.await("error");
                assertThat(error.path("code").asText()).isEqualTo(t[1]);
                assertThat(error.path("message").asText()).isNotBlank();
                assertThat(c.awaitClose()).isEqualTo(4401);
            }
        }
    }

    @Test
    void aDisallowedOriginIsRefusedWith4403AndAnAllowedOneAccepted() {
        URI uri = URI.create("ws://127.0.0.1:" + port + "/signal");
        try (TestClient c = TestClient.connect(ticketed(uri, fx.tokens.nurse("nurse-o", "d")), "https://evil.example")) {
            assertThat(c.await("error").path("code").asText()).isEqualTo("ORIGIN_FORBIDDEN");
            assertThat(c.awaitClose()).isEqualTo(4403);
        }
        try (TestClient c = TestClient.connect(ticketed(uri, fx.tokens.nurse("nurse-o", "d")), ORIGIN)) {
            assertThat(c.await("welcome").path("user").path("id").asText()).isEqualTo("nurse-o");
        }
    }

    @Test
    void clientsThatCanSetHeadersAuthenticateWithABearerHeader() {
        URI uri = URI.create("ws://127.0.0.1:" + port + "/signal");
        try (TestClient c = TestClient.connect(uri, null, fx.tokens.nurse("nurse-header", "disp-tinghir"))) {
            assertThat(c.await("welcome").path("user").path("id").asText()).isEqualTo("nurse-header");
        }
    }

    @Test
    void anAccessTokenInTheUrlIsRefusedEvenWhenValid() {
        URI uri = URI.create("ws://127.0.0.1:" + port + "/signal?token=" + fx.tokens.nurse("nurse-url", "disp-tinghir"));
        try (TestClient c = TestClient.connect(uri, ORIGIN)) {
            JsonNode error = c.await("error");
            assertThat(error.path("code").asText()).isEqualTo("AUTH_MISSING");
            assertThat(error.path("message").asText()).contains("not accepted in the URL");
            assertThat(c.awaitClose()).isEqualTo(4401);
        }
    }

    @Test
    void aBrowserTicketOpensOneConnectionOnly() {
        URI uri = ticketed(URI.create("ws://127.0.0.1:" + port + "/signal"), fx.tokens.nurse("nurse-ticket", "d"));
        try (TestClient first = TestClient.connect(uri, ORIGIN)) {
            assertThat(first.await("welcome").path("user").path("id").asText()).isEqualTo("nurse-ticket");
            try (TestClient replay = TestClient.connect(uri, ORIGIN)) {
                assertThat(replay.await("error").path("code").asText()).isEqualTo("AUTH_INVALID");
                assertThat(replay.awaitClose()).isEqualTo(4401);
            }
        }
    }

    /** The URI with a fresh single-use ticket for the token, as a browser page opens the socket. */
    static URI ticketed(URI uri, String token) {
        return URI.create(uri + "?ticket=" + fx.tokens.ticket(token));
    }

    @Test
    void plainHttpRequestsGetAnHttpErrorNotAWebSocket() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> other = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin"))
                .timeout(TestClient.WAIT).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(other.statusCode()).isEqualTo(404);
        HttpResponse<String> noUpgrade = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/signal")).timeout(TestClient.WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(noUpgrade.statusCode()).isBetween(400, 499);
    }

    @Test
    void connectionsBeyondThePerUserLimitAreRefused() {
        try (TestClient a = nurse("nurse-many"); TestClient b = nurse("nurse-many");
             TestClient c = TestClient.connect(port, fx.tokens.nurse("nurse-many", "disp-tinghir"))) {
            assertThat(c.await("error").path("code").asText()).isEqualTo("TOO_MANY_CONNECTIONS");
            assertThat(c.awaitClose()).isEqualTo(4429);
        }
    }
}
