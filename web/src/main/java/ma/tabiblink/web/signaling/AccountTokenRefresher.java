package ma.tabiblink.web.signaling;

import java.util.Objects;
import java.util.Optional;

import ma.tabiblink.signaling.auth.Identity;
import ma.tabiblink.signaling.auth.RefreshedToken;
import ma.tabiblink.signaling.auth.SessionEnd;
import ma.tabiblink.signaling.auth.SessionEndedException;
import ma.tabiblink.signaling.auth.TokenRefresher;
import ma.tabiblink.web.account.AccountRepository;
import ma.tabiblink.web.account.UserAccount;
import ma.tabiblink.web.auth.AccessTokens;
import ma.tabiblink.web.auth.SignInSessions;
import ma.tabiblink.web.auth.TokenClaims;

/**
 * Issues the fresh access token the signalling server pushes to a long call, from the connection's sign-in session
 * and the account as they are now. The token never outlives the session (its idle or absolute limit); a session that
 * is over, a disabled account or an account whose role, dispensary or specialties changed ends the connection.
 * Tokens that belong to no sign-in session are not refreshed.
 */
public final class AccountTokenRefresher implements TokenRefresher {

    private final AccountRepository accounts;
    private final AccessTokens tokens;
    private final SignInSessions sessions;

    public AccountTokenRefresher(AccountRepository accounts, AccessTokens tokens, SignInSessions sessions) {
        this.accounts = accounts;
        this.tokens = tokens;
        this.sessions = sessions;
    }

    @Override
    public Optional<RefreshedToken> refresh(Identity who) throws SessionEndedException {
        if (who.signInSession() == null) {
            return Optional.empty();
        }
        UserAccount user = accounts.findUser(who.userId()).filter(UserAccount::enabled)
                .orElseThrow(() -> new SessionEndedException(SessionEnd.ACCOUNT_DISABLED));
        SignInSessions.Active session = sessions.find(who.signInSession())
                .filter(s -> s.userId().equals(who.userId()))
                .orElseThrow(() -> new SessionEndedException(SessionEnd.EXPIRED));
        TokenClaims claims = TokenClaims.of(user, accounts.findDispensary(user.dispensaryId()).orElse(null),
                who.signInSession());
        if (!sameAuthority(claims, who)) {
            throw new SessionEndedException(SessionEnd.ACCOUNT_CHANGED);
        }
        AccessTokens.IssuedToken issued = tokens.issue(claims, session.deadline());
        return Optional.of(new RefreshedToken(issued.token(), issued.expiresAt()));
    }

    /** Whether the account still grants what the connection was opened with. */
    private static boolean sameAuthority(TokenClaims now, Identity connected) {
        return TokenAuthenticator.signalingRole(now.role()) == connected.role()
                && now.dispensaryId().equals(Objects.requireNonNullElse(connected.dispensaryId(), ""))
                && now.province().equals(Objects.requireNonNullElse(connected.province(), ""))
                && now.specialties().equals(connected.specialties());
    }
}
