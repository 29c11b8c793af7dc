package ma.tabiblink.web.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

import org.springframework.stereotype.Service;

import ma.tabiblink.web.account.AccountRepository;
import ma.tabiblink.web.account.PasswordHasher;
import ma.tabiblink.web.account.UserAccount;
import ma.tabiblink.web.auth.SessionRevocations.Reason;
import ma.tabiblink.web.auth.SessionRevocations.Revocation;
import ma.tabiblink.web.error.ApiError;
import ma.tabiblink.web.error.ApiException;

/** Sign-in, refresh, sign-out, socket tickets, and ending a user's sessions when their account changes. */
@Service
public class AuthService {

    /** Verifying against this keeps an unknown username as slow as a wrong password. */
    private final String decoyHash;

    private final AccountRepository accounts;
    private final PasswordHasher hasher;
    private final AccessTokens accessTokens;
    private final SignInSessions sessions;
    private final SocketTickets tickets;
    private final SessionRevocations revocations;
    private final LoginThrottle throttle;
    private final AccountAudit audit;
    private final Clock clock;

    AuthService(AccountRepository accounts, PasswordHasher hasher, AccessTokens accessTokens, SignInSessions sessions,
                SocketTickets tickets, SessionRevocations revocations, LoginThrottle throttle, AccountAudit audit,
                Clock clock) {
        this.accounts = accounts;
        this.hasher = hasher;
        this.accessTokens = accessTokens;
        this.sessions = sessions;
        this.tickets = tickets;
        this.revocations = revocations;
        this.throttle = throttle;
        this.audit = audit;
        this.clock = clock;
        this.decoyHash = hasher.hash("decoy-password-never-used");
    }

    public Session login(String username, String password, String address) {
        String id = username == null ? "" : username.strip().toLowerCase(Locale.ROOT);
        if (id.isEmpty() || id.length() > 64 || password == null || password.isEmpty() || password.length() > 256) {
            throw new ApiException(ApiError.VALIDATION_FAILED, "Username and password are required.");
        }
        throttle.acquire(id, address);
        UserAccount user = accounts.findUser(id).orElse(null);
        boolean ok = hasher.matches(password, user == null ? decoyHash : user.passwordHash());
        if (user == null || !ok || !user.enabled()) {
            audit.signInRefused(id, user, user == null ? "unknown account" : !ok ? "wrong password" : "account disabled",
                    address);
            throw badCredentials();
        }
        throttle.succeeded(id, address);
        SignInSessions.Started started = sessions.start(user.id());
        // An administrator may have disabled or changed the account during the password check: had that ended the
        // user's sessions before this one existed, it would live on. Read the account again now that it exists.
        UserAccount now = accounts.findUser(id).orElse(null);
        if (now == null || !now.enabled() || !claimsOf(now, null).sameAuthorityAs(claimsOf(user, null))) {
            sessions.end(started.sessionId());
            throw badCredentials();
        }
        try {
            audit.signedIn(user, address);
        } catch (RuntimeException e) {
            sessions.end(started.sessionId()); // no sign-in without its trace
            throw e;
        }
        return sessionFor(now, started.sessionId(), started.refreshToken(), started.deadline());
    }

    public Session refresh(String refreshToken, String address) {
        SignInSessions.Rotation rotation = sessions.rotate(refreshToken);
        if (rotation instanceof SignInSessions.Reused reused) {
            revocations.publish(new Revocation(reused.userId(), reused.sessionId(), Reason.REVOKED));
            accounts.findUser(reused.userId()).ifPresent(user ->
                    audit.sessionRevoked(user, address, "a refresh token was used twice"));
            throw new ApiException(ApiError.REFRESH_TOKEN_REUSED,
                    "This refresh token had already been used: the session is revoked. Sign in again.");
        }
        if (!(rotation instanceof SignInSessions.Rotated rotated)) {
            throw sessionExpired();
        }
        UserAccount user = accounts.findUser(rotated.userId()).filter(UserAccount::enabled).orElse(null);
        if (user == null) {
            sessions.end(rotated.sessionId());
            throw sessionExpired();
        }
        return sessionFor(user, rotated.sessionId(), rotated.refreshToken(), rotated.deadline());
    }

    /**
     * Ends the session of the refresh token, or else that of the access token (either may have expired already,
     * or be absent). Nothing is said about tokens that did not name a session.
     */
    public void logout(String refreshToken, Optional<TokenClaims> caller, String address) {
        Optional<SignInSessions.Ended> ended = sessions.endByRefreshToken(refreshToken);
        if (ended.isEmpty() && caller.isPresent() && caller.get().sessionId() != null) {
            String sid = caller.get().sessionId();
            ended = sessions.end(sid).map(user -> new SignInSessions.Ended(user, sid));
        }
        ended.ifPresent(e -> {
            revocations.publish(new Revocation(e.userId(), e.sessionId(), Reason.SIGNED_OUT));
            accounts.findUser(e.userId()).ifPresent(user -> audit.signedOut(user, address));
        });
    }

    /** Ends every session of the user (account disabled or changed): tokens stop working, sockets close everywhere. */
    public void endAllSessions(String userId, Reason reason) {
        sessions.endAll(userId);
        revocations.publish(new Revocation(userId, null, reason));
    }

    /** A single-use ticket to open one socket as the caller of a verified request. */
    public String ticket(TokenClaims caller, SocketTickets.Socket socket) {
        return tickets.issue(caller, socket);
    }

    private Session sessionFor(UserAccount user, String sessionId, String refreshToken, Instant deadline) {
        TokenClaims claims = claimsOf(user, sessionId);
        AccessTokens.IssuedToken access = accessTokens.issue(claims, deadline);
        long expiresIn = Math.max(0, Duration.between(clock.instant(), access.expiresAt()).toSeconds());
        return new Session(access.token(), refreshToken, expiresIn, sessions.idleTimeout().toSeconds(), claims);
    }

    private TokenClaims claimsOf(UserAccount user, String sessionId) {
        return TokenClaims.of(user, accounts.findDispensary(user.dispensaryId()).orElse(null), sessionId);
    }

    private static ApiException badCredentials() {
        return new ApiException(ApiError.BAD_CREDENTIALS, "Wrong username or password.");
    }

    private static ApiException sessionExpired() {
        return new ApiException(ApiError.SESSION_EXPIRED, "The session has ended; sign in again.");
    }

    public record Session(String accessToken, String refreshToken, long expiresIn, long idleTimeoutSeconds, TokenClaims user) {
    }
}
