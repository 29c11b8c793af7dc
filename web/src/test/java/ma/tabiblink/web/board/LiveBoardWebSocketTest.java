package ma.tabiblink.web.board;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import ma.tabiblink.web.support.JsonWebSocket;
import ma.tabiblink.web.support.WebTestSupport;

class LiveBoardWebSocketTest extends WebTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private String boardUrl(String token) {
        return "ws://127.0.0.1:" + port + "/board" + (token == null ? "" : "?token=" + token);
    }

    @Test
    void aCoordinatorReceivesABoardSnapshotOnConnect() {
        try (JsonWebSocket board = JsonWebSocket.connect(boardUrl(as("coord1").accessToken()))) {
            JsonNode snapshot = board.next(WAIT);
            assertThat(snapshot.path("type").asText()).isEqualTo("board.snapshot");
            assertThat(snapshot.path("at").asText()).isNotEmpty();
        }
    }

    @Test
    void aNurseIsRefusedTheBoardWithACode() {
        try (JsonWebSocket board = JsonWebSocket.connect(boardUrl(as("nurse1").accessToken()))) {
            assertThat(board.next(WAIT).path("code").asText()).isEqualTo("FORBIDDEN_ROLE");
            assertThat(board.closeCode(WAIT)).isEqualTo(4403);
        }
    }

    @Test
    void aConnectionWithoutATokenIsRefusedWithACode() {
        try (JsonWebSocket board = JsonWebSocket.connect(boardUrl(null))) {
            assertThat(board.next(WAIT).path("code").asText()).isEqualTo("AUTH_MISSING");
            assertThat(board.closeCode(WAIT)).isEqualTo(4401);
        }
    }

    @Test
    void theBoardSnapshotOverRestIsForCoordinatorsOnly() {
        assertThat(as("coord1").get("/api/v1/board").json().path("type").asText()).isEqualTo("board.snapshot");
        assertThat(as("dr.cardio").get("/api/v1/board").code()).isEqualTo("FORBIDDEN_ROLE");
    }
}
