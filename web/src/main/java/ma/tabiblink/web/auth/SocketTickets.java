package ma.tabiblink.web.auth;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;

import ma.tabiblink.web.account.Role;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * Single-use tickets that let a browser open {@code /signal} or {@code /board} without putting its access token in
 * the URL (browsers cannot set headers on a WebSocket, and proxies log URLs). A ticket is asked for over REST with the
 * access token just before connecting, is good for one connection to one socket within {@link #LIFETIME}, and stands
 * for the token's claims: Redis keeps those claims under the ticket's hash, never a token.
 */
public final class SocketTickets {

    public static final Duration LIFETIME = Duration.ofSeconds(30);
    private static final int TICKET_BYTES = 24;
    private static final int MAX_TICKET_LENGTH = 64;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The sockets a ticket can open. */
    public enum Socket {
        SIGNAL, BOARD;

        public static Socket of(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    /** What is kept for a ticket. */
    record Stored(String socket, String user, String name, String role, String disp, String prov,
                          List<String> spec, String lang, long exp, String sid) {
    }

    private final UnifiedJedis redis;
    private final Clock clock;
    private final TokenVerifier verifier;
    private final SecureRandom random = new SecureRandom();

    public SocketTickets(UnifiedJedis redis, Clock clock, TokenVerifier verifier) {
        this.redis = redis;
        this.clock = clock;
        this.verifier = verifier;
    }

    /** A ticket standing for verified {@code claims}, for one connection to {@code socket}. */
    public String issue(TokenClaims claims, Socket socket) {
        byte[] bytes = new byte[TICKET_BYTES];
        random.nextBytes(bytes);
        String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Stored stored = new Stored(socket.name(), claims.userId(), claims.displayName(), claims.role().name(),
                claims.dispensaryId(), claims.province(), List.copyOf(claims.specialties()), claims.language(),
                claims.expiresAt().getEpochSecond(), claims.sessionId());
        try {
            redis.set(AuthKeys.ticket(SignInSessions.hash(ticket)), JSON.writeValueAsString(stored),
                    SetParams.setParams().ex(LIFETIME.toSeconds()));
        } catch (IOException e) {
            throw new IllegalStateException("Could not store a socket ticket", e);
        }
        return ticket;
    }

    /** Uses up a ticket: the claims it stands for, if it is known, unused, for this socket and its session goes on. */
    public TokenClaims redeem(String ticket, Socket socket) throws TokenException {
        if (ticket == null || ticket.isBlank() || ticket.length() > MAX_TICKET_LENGTH) {
            throw invalid();
        }
        String json = redis.getDel(AuthKeys.ticket(SignInSessions.hash(ticket)));
        if (json == null) {
            throw invalid();
        }
        Stored s;
        try {
            s = JSON.readValue(json, Stored.class);
        } catch (IOException e) {
            throw invalid();
        }
        if (!socket.name().equals(s.socket())) {
            throw invalid();
        }
        Instant expiresAt = Instant.ofEpochSecond(s.exp());
        if (!clock.instant().isBefore(expiresAt)) {
            throw new TokenException(TokenException.Reason.EXPIRED, "The access token behind this ticket has expired.");
        }
        TokenClaims claims = new TokenClaims(s.user(), s.name(), Role.valueOf(s.role()), s.disp(), s.prov(),
                Set.copyOf(s.spec()), s.lang(), expiresAt, s.sid());
        verifier.requireSession(claims);
        return claims;
    }

    private static TokenException invalid() {
        return new TokenException(TokenException.Reason.INVALID, "The ticket is unknown, used, expired or for another socket.");
    }
}
