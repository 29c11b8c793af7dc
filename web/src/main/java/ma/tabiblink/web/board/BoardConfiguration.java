package ma.tabiblink.web.board;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;

import com.fasterxml.jackson.databind.ObjectMapper;

import ma.tabiblink.web.auth.SocketTickets;
import ma.tabiblink.web.auth.TokenVerifier;

@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class BoardConfiguration implements WebSocketConfigurer {

    private final LiveBoard board;
    private final TokenVerifier tokens;
    private final SocketTickets tickets;
    private final ObjectMapper json;
    private final String[] allowedOrigins;

    BoardConfiguration(LiveBoard board, TokenVerifier tokens, SocketTickets tickets, ObjectMapper json,
                       @Value("${tabib.allowed-origins:}") String[] allowedOrigins) {
        this.board = board;
        this.tokens = tokens;
        this.tickets = tickets;
        this.json = json;
        this.allowedOrigins = allowedOrigins;
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        var registration = registry.addHandler(new BoardWebSocketHandler(board, tokens, tickets, json), "/board");
        if (allowedOrigins.length > 0) {
            registration.setAllowedOrigins(allowedOrigins);
        }
    }
}
