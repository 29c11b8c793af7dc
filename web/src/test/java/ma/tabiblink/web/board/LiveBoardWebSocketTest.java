package ma.tabiblink.web.board;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;

import ma.tabiblink.web.auth.SignInSessions;

import ma.tabiblink.web.support.ApiClient;
import ma.tabiblink.web.support.JsonWebSocket;
import ma.tabiblink.web.support.WebTestSupport;

class LiveBoardWebSocketTest extends WebTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Autowired
    SignInSessions signIns;

    private String boardUrl() {
        return "ws://127.0.0.1:" + port + "/board";
    }

    private JsonWebSocket openBoard(ApiClient user) {
        return JsonWebSocket.connect(boardUrl() + "?ticket=" + user.ticket("board"));
    }

    @Test
    void aCoordinatorReceivesABoardSnapshotOnConnect() {
        try (JsonWebSocket board = openBoard(as("coord1"))) {
            JsonNode snapshot = board.next(WAIT);
            assertThat(snapshot.path("type").asText()).isEqualTo("board.snapshot");
            assertThat(snapshot.path("at").asText()).isNotEmpty();
        }
    }

    @Test
    void aNurseIsRefusedTheBoardWithACode() {
        try (JsonWebSocket board = openBoard(as("nurse1"))) {
            assertThat(board.next(WAIT).path("code").asText()).isEqualTo("FORBIDDEN_ROLE");
            assertThat(board.closeCode(WAIT)).isEqualTo(4403);
        }
    }

    @Test
    void aConnectionWithoutATicketIsRefusedWithACode() {
        try (JsonWebSocket board = JsonWebSocket.connect(boardUrl())) {
            assertThat(board.next(WAIT).path("code").asText()).isEqualTo("AUTH_MISSING");
            assertThat(board.closeCode(WAIT)).isEqualTo(4401);
        }
    }

    @Test
    void anAccessTokenInTheUrlIsNoLongerAccepted() {
        try (JsonWebSocket board = JsonWebSocket.connect(boardUrl() + "?token=" + as("coord1").accessToken())) {
            JsonNode error = board.next(WAIT);
            assertThat(error.path("code").asText()).isEqualTo("AUTH_MISSING");
            assertThat(error.path("message").asText()).contains("not accepted in the URL");
            assertThat(board.closeCode(WAIT)).isEqualTo(4401);
        }
    }

    @Test
    void aTicketOpensOneBoardOnlyAndNotTheSignallingSocket() {
        ApiClient coordinator = as("coord1");
        String ticket = coordinator.ticket("board");
        try (JsonWebSocket first = JsonWebSocket.connect(boardUrl() + "?ticket=" + ticket)) {
            assertThat(first.next(WAIT).path("type").asText()).isEqualTo("board.snapshot");
            try (JsonWebSocket replay = JsonWebSocket.connect(boardUrl() + "?ticket=" + ticket)) {
                assertThat(replay.next(WAIT).path("code").asText()).isEqualTo("AUTH_INVALID");
                assertThat(replay.closeCode(WAIT)).isEqualTo(4401);
            }
        }
        String boardTicket = coordinator.ticket("board");
        try (JsonWebSocket wrongSocket = JsonWebSocket.connect(signalingUrl(coordinator) + "?ticket=" + boardTicket,
                "http://127.0.0.1:" + port)) {
            assertThat(wrongSocket.next(WAIT).path("code").asText()).isEqualTo("AUTH_INVALID");
        }
    }

    @Test
    void aBoardClosesWith4410WhenItsViewerSignsOut() {
        ApiClient coordinator = as("coord1");
        try (JsonWebSocket board = openBoard(coordinator)) {
            assertThat(board.next(WAIT).path("type").asText()).isEqualTo("board.snapshot");
            assertThat(api().post("/api/v1/auth/logout",
                    java.util.Map.of("refreshToken", coordinator.refreshToken())).status()).isEqualTo(204);
            JsonNode error = board.awaitType("error", WAIT);
            assertThat(error.path("code").asText()).isEqualTo("SESSION_ENDED");
            assertThat(board.closeCode(WAIT)).isEqualTo(4410);
        }
    }

    @Test
    void aBoardClosesWhenItsSignInSessionRunsOutEvenWithoutNewsOfIt() throws Exception {
        ApiClient coordinator = as("coord1");
        try (JsonWebSocket board = openBoard(coordinator)) {
            assertThat(board.next(WAIT).path("type").asText()).isEqualTo("board.snapshot");
            // as when the idle or absolute limit passes: the session is simply gone from Redis, nobody says so
            signIns.end(SignedJWT.parse(coordinator.accessToken()).getJWTClaimsSet().getStringClaim("sid"));
            assertThat(board.awaitType("error", WAIT).path("code").asText()).isEqualTo("SESSION_ENDED");
            assertThat(board.closeCode(WAIT)).isEqualTo(4410);
        }
    }

    @Test
    void theBoardSnapshotOverRestIsForCoordinatorsOnly() {
        assertThat(as("coord1").get("/api/v1/board").json().path("type").asText()).isEqualTo("board.snapshot");
        assertThat(as("dr.cardio").get("/api/v1/board").code()).isEqualTo("FORBIDDEN_ROLE");
    }
}
