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
import ma.tabiblink.web.auth.SocketTickets;
import ma.tabiblink.web.auth.TokenClaims;
import ma.tabiblink.web.auth.TokenException;
import ma.tabiblink.web.auth.TokenVerifier;
import redis.clients.jedis.exceptions.JedisException;

/**
 * {@code /board?ticket=<ticket from POST /api/v1/auth/ticket>} (browsers) or {@code /board} with an
 * {@code Authorization: Bearer} header: coordinators and administrators receive {@code board.snapshot} messages (with
 * the sections for administrators only when they are one) for as long as their sign-in session lasts. A refused connection gets an error message, then a 44xx close code browsers
 * can read.
 */
class BoardWebSocketHandler extends TextWebSocketHandler {

    private static final int SEND_TIME_LIMIT_MILLIS = 5_000;
    private static final int BUFFER_SIZE_LIMIT_BYTES = 512 * 1024;
    private static final String DECORATED = "decorated";

    private final LiveBoard board;
    private final TokenVerifier tokens;
    private final SocketTickets tickets;
    private final ObjectMapper json;

    BoardWebSocketHandler(LiveBoard board, TokenVerifier tokens, SocketTickets tickets, ObjectMapper json) {
        this.board = board;
        this.tokens = tokens;
        this.tickets = tickets;
        this.json = json;
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession session) throws IOException {
        TokenClaims claims;
        try {
            claims = authenticate(session);
        } catch (TokenException e) {
            String code = switch (e.reason()) {
                case MISSING -> "AUTH_MISSING";
                case INVALID -> "AUTH_INVALID";
                case EXPIRED -> "AUTH_EXPIRED";
                case ENDED -> "SESSION_ENDED";
            };
            refuse(session, e.reason() == TokenException.Reason.ENDED ? LiveBoard.SESSION_ENDED : 4401, code,
                    e.getMessage());
            return;
        } catch (JedisException e) {
            refuse(session, CloseStatus.SERVER_ERROR.getCode(), "INTERNAL_ERROR",
                    "Temporarily unable to check credentials; try again.");
            return;
        }
        CurrentUser user = claims.toCurrentUser();
        if (!user.is(Role.COORDINATOR) && !user.is(Role.ADMIN)) {
            refuse(session, 4403, "FORBIDDEN_ROLE", "The live board is for coordinators and administrators.");
            return;
        }
        WebSocketSession safe = new ConcurrentWebSocketSessionDecorator(session, SEND_TIME_LIMIT_MILLIS, BUFFER_SIZE_LIMIT_BYTES);
        session.getAttributes().put(DECORATED, safe);
        board.add(safe, new LiveBoard.Viewer(claims.userId(), claims.sessionId(), claims.expiresAt(), user.role()));
    }

    /** A bearer header, else a ticket; an access token in the URL is refused (proxies log URLs). */
    private TokenClaims authenticate(WebSocketSession session) throws TokenException {
        String header = session.getHandshakeHeaders().getFirst("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return tokens.verify(header.substring(7).strip());
        }
        var query = session.getUri() == null ? null : UriComponentsBuilder.fromUri(session.getUri()).build().getQueryParams();
        String ticket = query == null ? null : query.getFirst("ticket");
        if (ticket != null && !ticket.isBlank()) {
            return tickets.redeem(ticket, SocketTickets.Socket.BOARD);
        }
        throw new TokenException(TokenException.Reason.MISSING, query != null && query.containsKey("token")
                ? "Access tokens are not accepted in the URL: open the board with a ticket (POST /api/v1/auth/ticket)."
                : "A ticket (POST /api/v1/auth/ticket) or an Authorization: Bearer header is required.");
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
