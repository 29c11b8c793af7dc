package ma.tabiblink.web.signaling;

import ma.tabiblink.signaling.auth.AuthenticationException;
import ma.tabiblink.signaling.auth.Authenticator;
import ma.tabiblink.signaling.auth.Credentials;
import ma.tabiblink.signaling.auth.Identity;
import ma.tabiblink.signaling.auth.Role;
import ma.tabiblink.web.auth.SocketTickets;
import ma.tabiblink.web.auth.TokenClaims;
import ma.tabiblink.web.auth.TokenException;
import ma.tabiblink.web.auth.TokenVerifier;

/**
 * Lets the signalling server accept what the REST API accepts: an access token in a bearer header (checked with its
 * sign-in session), or a browser's single-use ticket for {@code /signal}.
 */
public final class TokenAuthenticator implements Authenticator {

    private final TokenVerifier tokens;
    private final SocketTickets tickets;

    public TokenAuthenticator(TokenVerifier tokens, SocketTickets tickets) {
        this.tokens = tokens;
        this.tickets = tickets;
    }

    @Override
    public Identity authenticate(Credentials credentials) throws AuthenticationException {
        try {
            if (credentials instanceof Credentials.Bearer bearer) {
                return identityOf(tokens.verify(bearer.token()));
            }
            if (credentials instanceof Credentials.Ticket ticket) {
                return identityOf(tickets.redeem(ticket.value(), SocketTickets.Socket.SIGNAL));
            }
            throw new AuthenticationException(AuthenticationException.Reason.MISSING,
                    "a ticket (POST /api/v1/auth/ticket) or an Authorization: Bearer header is required");
        } catch (TokenException e) {
            throw new AuthenticationException(switch (e.reason()) {
                case MISSING -> AuthenticationException.Reason.MISSING;
                case EXPIRED -> AuthenticationException.Reason.EXPIRED;
                case INVALID -> AuthenticationException.Reason.INVALID;
                case ENDED -> AuthenticationException.Reason.SESSION_ENDED;
            }, e.getMessage());
        }
    }

    static Identity identityOf(TokenClaims claims) {
        return new Identity(claims.userId(), claims.displayName(), signalingRole(claims.role()),
                emptyToNull(claims.dispensaryId()), emptyToNull(claims.province()), claims.specialties(),
                claims.expiresAt(), claims.sessionId());
    }

    /** The signalling server's role for an account's role. */
    static Role signalingRole(ma.tabiblink.web.account.Role role) {
        return switch (role) {
            case NURSE -> Role.NURSE;
            case SPECIALIST -> Role.SPECIALIST;
            case COORDINATOR -> Role.COORDINATOR;
            case ADMIN -> Role.ADMIN;
        };
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
