package ma.tabiblink.web.signaling;

import ma.tabiblink.signaling.auth.AuthenticationException;
import ma.tabiblink.signaling.auth.Authenticator;
import ma.tabiblink.signaling.auth.Identity;
import ma.tabiblink.signaling.auth.Role;
import ma.tabiblink.web.auth.AccessTokens;
import ma.tabiblink.web.auth.TokenClaims;
import ma.tabiblink.web.auth.TokenException;

/** Lets the signalling server check the same access tokens as the REST API. */
public final class TokenAuthenticator implements Authenticator {

    private final AccessTokens tokens;

    public TokenAuthenticator(AccessTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public Identity authenticate(String bearerToken) throws AuthenticationException {
        try {
            return identityOf(tokens.verify(bearerToken));
        } catch (TokenException e) {
            throw new AuthenticationException(switch (e.reason()) {
                case MISSING -> AuthenticationException.Reason.MISSING;
                case EXPIRED -> AuthenticationException.Reason.EXPIRED;
                case INVALID -> AuthenticationException.Reason.INVALID;
            }, e.getMessage());
        }
    }

    static Identity identityOf(TokenClaims claims) {
        return new Identity(claims.userId(), claims.displayName(), Role.valueOf(claims.role().name()),
                emptyToNull(claims.dispensaryId()), emptyToNull(claims.province()), claims.specialties(), claims.expiresAt());
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
