package ma.tabiblink.web.auth;

import java.util.Locale;

import org.springframework.stereotype.Service;

import ma.tabiblink.web.account.AccountRepository;
import ma.tabiblink.web.account.PasswordHasher;
import ma.tabiblink.web.account.UserAccount;
import ma.tabiblink.web.error.ApiException;

/** Sign-in, refresh and sign-out. */
@Service
public class AuthService {

    /** Verifying against this keeps an unknown username as slow as a wrong password. */
    private final String decoyHash;

    private final AccountRepository accounts;
    private final PasswordHasher hasher;
    private final AccessTokens accessTokens;
    private final RefreshTokens refreshTokens;
    private final LoginThrottle throttle;

    AuthService(AccountRepository accounts, PasswordHasher hasher, AccessTokens accessTokens,
                RefreshTokens refreshTokens, LoginThrottle throttle) {
        this.accounts = accounts;
        this.hasher = hasher;
        this.accessTokens = accessTokens;
        this.refreshTokens = refreshTokens;
        this.throttle = throttle;
        this.decoyHash = hasher.hash("decoy-password-never-used");
    }

    public Session login(String username, String password, String address) {
        String id = username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
        if (id.isEmpty() || id.length() > 64 || password == null || password.isEmpty() || password.length() > 256) {
            throw new ApiException(400, "VALIDATION_FAILED", "Username and password are required.");
        }
        throttle.checkAllowed(id, address);
        UserAccount user = accounts.findUser(id).orElse(null);
        boolean ok = hasher.matches(password, user == null ? decoyHash : user.passwordHash());
        if (user == null || !ok || !user.enabled()) {
            throttle.recordFailure(id, address);
            throw new ApiException(401, "BAD_CREDENTIALS", "Wrong username or password.");
        }
        throttle.recordSuccess(id);
        return sessionFor(user, refreshTokens.create(user.id()));
    }

    public Session refresh(String refreshToken) {
        RefreshTokens.Rotation rotation = refreshTokens.rotate(refreshToken)
                .orElseThrow(() -> new ApiException(401, "SESSION_EXPIRED", "The session has ended; sign in again."));
        UserAccount user = accounts.findUser(rotation.userId()).filter(UserAccount::enabled)
                .orElseThrow(() -> new ApiException(401, "SESSION_EXPIRED", "The session has ended; sign in again."));
        return sessionFor(user, rotation.refreshToken());
    }

    public void logout(String refreshToken) {
        refreshTokens.revoke(refreshToken);
    }

    private Session sessionFor(UserAccount user, String refreshToken) {
        TokenClaims claims = TokenClaims.of(user, accounts.findDispensary(user.dispensaryId()).orElse(null));
        AccessTokens.IssuedToken access = accessTokens.issue(claims);
        return new Session(access.token(), refreshToken, accessTokens.ttl().toSeconds(),
                refreshTokens.idleTimeout().toSeconds(), claims);
    }

    public record Session(String accessToken, String refreshToken, long expiresIn, long idleTimeoutSeconds, TokenClaims user) {
    }
}
