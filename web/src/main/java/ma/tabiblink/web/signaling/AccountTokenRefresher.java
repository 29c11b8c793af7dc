package ma.tabiblink.web.signaling;

import ma.tabiblink.signaling.auth.Identity;
import ma.tabiblink.signaling.auth.RefreshedToken;
import ma.tabiblink.signaling.auth.TokenRefresher;
import ma.tabiblink.web.account.AccountRepository;
import ma.tabiblink.web.account.UserAccount;
import ma.tabiblink.web.auth.AccessTokens;
import ma.tabiblink.web.auth.TokenClaims;

/**
 * Issues the fresh access token the signalling server pushes to a long call, from the account as it is now: a
 * disabled account gets no new token, so its connection ends when the current one expires.
 */
public final class AccountTokenRefresher implements TokenRefresher {

    private final AccountRepository accounts;
    private final AccessTokens tokens;

    public AccountTokenRefresher(AccountRepository accounts, AccessTokens tokens) {
        this.accounts = accounts;
        this.tokens = tokens;
    }

    @Override
    public RefreshedToken refresh(Identity who) {
        UserAccount user = accounts.findUser(who.userId()).filter(UserAccount::enabled)
                .orElseThrow(() -> new IllegalStateException("account " + who.userId() + " is gone or disabled"));
        AccessTokens.IssuedToken issued = tokens.issue(TokenClaims.of(user,
                accounts.findDispensary(user.dispensaryId()).orElse(null)));
        return new RefreshedToken(issued.token(), issued.expiresAt());
    }
}
