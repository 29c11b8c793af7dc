package ma.tabiblink.web.board;

import java.io.IOException;
import java.util.Map;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import org.springframework.web.util.UriComponentsBuilder;

import com.fasterxml.jackson.databind.ObjectMapper;

import ma.tabiblink.web.account.CurrentUser;
import ma.tabiblink.web.account.Role;
import ma.tabiblink.web.auth.AccessTokens;
import ma.tabiblink.web.auth.TokenException;

/**
 * {@code /board?token=<accessToken>}: coordinators and administrators receive {@code board.snapshot} messages (with
 * the sections for administrators only when they are one).
 * A refused connection gets an error message, then a 44xx close code browsers can read.
 */
class BoardWebSocketHandler extends TextWebSocketHandler {

    private static final int SEND_TIME_LIMIT_MILLIS = 5_000;
    private static final int BUFFER_SIZE_LIMIT_BYTES = 512 * 1024;
    private static final String DECORATED = "decorated";

    private final LiveBoard board;
    private final AccessTokens tokens;
    private final ObjectMapper json;

    BoardWebSocketHandler(LiveBoard board, AccessTokens tokens, ObjectMapper json) {
        this.board = board;
        this.tokens = tokens;
        this.json = json;
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession session) throws IOException {
        String token = session.getUri() == null ? null
                : UriComponentsBuilder.fromUri(session.getUri()).build().getQueryParams().getFirst("token");
        CurrentUser user;
        try {
            user = tokens.verify(token).toCurrentUser();
        } catch (TokenException e) {
            refuse(session, 4401, "AUTH_" + (e.reason() == TokenException.Reason.MISSING ? "MISSING" : e.reason().name()), e.getMessage());
            return;
        }
        if (!user.is(Role.COORDINATOR) && !user.is(Role.ADMIN)) {
            refuse(session, 4403, "FORBIDDEN_ROLE", "The live board is for coordinators and administrators.");
            return;
        }
        WebSocketSession safe = new ConcurrentWebSocketSessionDecorator(session, SEND_TIME_LIMIT_MILLIS, BUFFER_SIZE_LIMIT_BYTES);
        session.getAttributes().put(DECORATED, safe);
        board.add(safe, user.role());
    }

    @Override
    protected void handleTextMessage(WebSocketSession session, TextMessage message) {
        // The board is push-only; anything a client sends is ignored.
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
        Object safe = session.getAttributes().get(DECORATED);
        if (safe instanceof WebSocketSession decorated) {
            board.remove(decorated);
        }
    }

    private void refuse(WebSocketSession session, int closeCode, String code, String message) throws IOException {
        session.sendMessage(new TextMessage(json.writeValueAsString(Map.of("type", "error", "code", code, "message", message))));
        session.close(new CloseStatus(closeCode, code));
    }
}
