package ma.tabiblink.web.auth;

/**
 * Checks an access token for the REST API and the sockets: signature, issuer, audience and expiry
 * ({@link AccessTokens}), then that its sign-in session is still going, so a sign-out, a revoked session or a disabled
 * account stops the token at once. Tokens minted with the signing key outside a sign-in carry no session and are
 * refused, unless {@code acceptSessionless} (a load-testing setting) says otherwise.
 */
public final class TokenVerifier {

    private final AccessTokens tokens;
    private final SignInSessions sessions;
    private final boolean acceptSessionless;

    public TokenVerifier(AccessTokens tokens, SignInSessions sessions, boolean acceptSessionless) {
        this.tokens = tokens;
        this.sessions = sessions;
        this.acceptSessionless = acceptSessionless;
    }

    public TokenClaims verify(String token) throws TokenException {
        TokenClaims claims = tokens.verify(token);
        requireSession(claims);
        return claims;
    }

    /** Whether the claims' sign-in session is still going (or the claims need none). */
    void requireSession(TokenClaims claims) throws TokenException {
        if (claims.sessionId() == null) {
            if (!acceptSessionless) {
                throw new TokenException(TokenException.Reason.INVALID, "The access token is not valid.");
            }
        } else if (!sessions.isActive(claims.sessionId(), claims.userId())) {
            throw new TokenException(TokenException.Reason.ENDED, "The session has ended; sign in again.");
        }
    }
}
