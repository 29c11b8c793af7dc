package ma.tabiblink.signaling;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import ma.tabiblink.signaling.auth.AuthenticationException;
import ma.tabiblink.signaling.auth.Authenticator;
import ma.tabiblink.signaling.auth.Credentials;
import ma.tabiblink.signaling.auth.Identity;
import ma.tabiblink.signaling.auth.RefreshedToken;
import ma.tabiblink.signaling.auth.Role;
import ma.tabiblink.signaling.auth.SessionEnd;
import ma.tabiblink.signaling.auth.SessionEndedException;
import ma.tabiblink.signaling.auth.TokenRefresher;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Access tokens as the web application issues them (ES256, kid, iss "tabib-link", sub/name/role/spec/disp/prov/sid),
 * an {@link Authenticator} that really verifies them or redeems single-use tickets, and a {@link TokenRefresher}
 * whose sign-in sessions a test can end, break or leave unrefreshable.
 */
final class TestTokens implements Authenticator, TokenRefresher {

    static final String ISSUER = "tabib-link";
    private final ECKey key;
    private final Duration refreshedLifetime;
    private final Map<String, String> tickets = new ConcurrentHashMap<>();
    private final Map<String, SessionEnd> ended = new ConcurrentHashMap<>();
    private final Set<String> unrefreshable = ConcurrentHashMap.newKeySet();
    private volatile boolean refreshBroken;
    final AtomicInteger refreshAttempts = new AtomicInteger();

    TestTokens(Duration refreshedLifetime) {
        this.refreshedLifetime = refreshedLifetime;
        try {
            key = new ECKeyGenerator(Curve.P_256).keyID("test-key").generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    TestTokens() {
        this(Duration.ofMinutes(15));
    }

    String nurse(String id, String dispensary) {
        return mint(id, Role.NURSE, List.of(), dispensary, "Tinghir", Duration.ofMinutes(15));
    }

    String specialist(String id, String... specialties) {
        return mint(id, Role.SPECIALIST, List.of(specialties), null, null, Duration.ofMinutes(15));
    }

    String mint(String id, Role role, List<String> specialties, String dispensary, String province, Duration ttl) {
        return mint(id, role, specialties, dispensary, province, ttl, "signin-" + id);
    }

    /** A nurse's token of the given lifetime, from the given sign-in session. */
    String nurse(String id, String signInSession, Duration ttl) {
        return mint(id, Role.NURSE, List.of(), "disp-tinghir", "Tinghir", ttl, signInSession);
    }

    String mint(String id, Role role, List<String> specialties, String dispensary, String province, Duration ttl,
                String signInSession) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER).subject(id).claim("name", "Name of " + id).claim("role", role.name())
                .claim("spec", specialties).claim("sid", signInSession)
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(ttl)));
        if (dispensary != null) {
            claims.claim("disp", dispensary);
        }
        if (province != null) {
            claims.claim("prov", province);
        }
        return sign(claims.build());
    }

    String signWithOtherKey(String id) {
        try {
            ECKey other = new ECKeyGenerator(Curve.P_256).keyID("test-key").generate();
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("test-key").build(),
                    new JWTClaimsSet.Builder().issuer(ISSUER).subject(id).claim("role", "NURSE")
                            .expirationTime(Date.from(Instant.now().plusSeconds(600))).build());
            jwt.sign(new ECDSASigner(other));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private String sign(JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
                    claims);
            jwt.sign(new ECDSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A single-use ticket standing for the token, as the web application hands browsers before they connect. */
    String ticket(String token) {
        String ticket = UUID.randomUUID().toString();
        tickets.put(ticket, token);
        return ticket;
    }

    /** From now on the refresher says the user's sign-in session ended. */
    void endSession(String userId, SessionEnd why) {
        ended.put(userId, why);
    }

    /** From now on the refresher says the user's tokens cannot be refreshed (no sign-in session). */
    void unrefreshable(String userId) {
        unrefreshable.add(userId);
    }

    /** While broken, every refresh fails as if the account store were unreachable. */
    void breakRefresh(boolean broken) {
        refreshBroken = broken;
    }

    @Override
    public Identity authenticate(Credentials credentials) throws AuthenticationException {
        if (credentials instanceof Credentials.Bearer b) {
            return authenticate(b.token());
        }
        if (credentials instanceof Credentials.Ticket t) {
            String token = tickets.remove(t.value());
            if (token == null) {
                throw new AuthenticationException(AuthenticationException.Reason.INVALID, "unknown or used ticket");
            }
            return authenticate(token);
        }
        throw new AuthenticationException(AuthenticationException.Reason.MISSING, "no access token");
    }

    Identity authenticate(String bearerToken) throws AuthenticationException {
        if (bearerToken == null || bearerToken.isBlank()) {
            throw new AuthenticationException(AuthenticationException.Reason.MISSING, "no access token");
        }
        try {
            SignedJWT jwt = SignedJWT.parse(bearerToken);
            if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm())
                    || !jwt.verify(new ECDSAVerifier(key.toECPublicKey()))) {
                throw new AuthenticationException(AuthenticationException.Reason.INVALID, "bad signature");
            }
            JWTClaimsSet c = jwt.getJWTClaimsSet();
            if (!ISSUER.equals(c.getIssuer()) || c.getSubject() == null || c.getExpirationTime() == null) {
                throw new AuthenticationException(AuthenticationException.Reason.INVALID, "bad claims");
            }
            Instant exp = c.getExpirationTime().toInstant();
            if (!exp.isAfter(Instant.now())) {
                throw new AuthenticationException(AuthenticationException.Reason.EXPIRED, "token expired");
            }
            List<String> spec = c.getStringListClaim("spec");
            Set<String> specialties = spec == null ? Set.of() : new HashSet<>(spec);
            return new Identity(c.getSubject(), c.getStringClaim("name"), Role.valueOf(c.getStringClaim("role")),
                    c.getStringClaim("disp"), c.getStringClaim("prov"), specialties, exp, c.getStringClaim("sid"));
        } catch (ParseException | JOSEException | IllegalArgumentException e) {
            throw new AuthenticationException(AuthenticationException.Reason.INVALID, "unreadable token");
        }
    }

    @Override
    public Optional<RefreshedToken> refresh(Identity who) throws SessionEndedException {
        refreshAttempts.incrementAndGet();
        if (refreshBroken) {
            throw new IllegalStateException("account store unreachable");
        }
        SessionEnd why = ended.get(who.userId());
        if (why != null) {
            throw new SessionEndedException(why);
        }
        if (unrefreshable.contains(who.userId())) {
            return Optional.empty();
        }
        Instant exp = Instant.now().plus(refreshedLifetime);
        String token = mint(who.userId(), who.role(), List.copyOf(who.specialties()), who.dispensaryId(),
                who.province(), refreshedLifetime);
        return Optional.of(new RefreshedToken(token, exp));
    }
}
