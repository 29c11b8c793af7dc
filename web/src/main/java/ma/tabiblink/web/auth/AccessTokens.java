package ma.tabiblink.web.auth;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

import ma.tabiblink.web.account.Role;

/**
 * Short-lived ES256 access tokens. Verification needs only the public half, so standalone signalling nodes can check
 * tokens without being able to mint them. This class checks the signature, issuer, audience and expiry; whether the
 * token's sign-in session is still going is {@link TokenVerifier}'s question.
 */
public final class AccessTokens {

    public static final String ISSUER = "tabib-link";
    /** The token is for Tabib Link's REST API and sockets, nothing else (Jitsi tokens, say, carry their own). */
    public static final String AUDIENCE = "tabib-link-api";
    private static final Duration CLOCK_SKEW = Duration.ofSeconds(30);
    private static final int MAX_TOKEN_LENGTH = 8_192;

    /**
     * Verifies ES256 several times faster than the JDK 17 provider (its P-256 arithmetic, and multiples of the
     * public key precomputed once for a key it holds itself): every signalling connection verifies a token.
     */
    private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();

    private final ECKey key;
    private final ECDSASigner signer; // null where only the public half is held
    private final ECDSAVerifier verifier;
    private final Clock clock;
    private final Duration ttl;

    public AccessTokens(ECKey key, Clock clock, Duration ttl) {
        this.key = key;
        this.clock = clock;
        this.ttl = ttl;
        try {
            this.signer = key.isPrivate() ? new ECDSASigner(key) : null;
            this.verifier = new ECDSAVerifier(heldByBouncyCastle(key.toECPublicKey()));
        } catch (JOSEException | GeneralSecurityException e) {
            throw new IllegalArgumentException("Unusable access-token key", e);
        }
        if (signer != null) {
            signer.getJCAContext().setProvider(BOUNCY_CASTLE);
        }
        verifier.getJCAContext().setProvider(BOUNCY_CASTLE);
    }

    public Duration ttl() {
        return ttl;
    }

    /** A token for {@code who} that expires after the configured lifetime, or at {@code notAfter} if that is sooner. */
    public IssuedToken issue(TokenClaims who, Instant notAfter) {
        if (signer == null) {
            throw new IllegalStateException("Only the access-token key's public half is held here: no token can be issued");
        }
        Instant now = clock.instant();
        Instant expires = now.plus(ttl);
        if (notAfter != null && notAfter.isBefore(expires)) {
            expires = notAfter;
        }
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .subject(who.userId())
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(expires))
                .claim("name", who.displayName())
                .claim("role", who.role().name())
                .claim("spec", List.copyOf(who.specialties()))
                .claim("disp", who.dispensaryId())
                .claim("prov", who.province())
                .claim("lang", who.language())
                .claim("sid", who.sessionId())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(JOSEObjectType.JWT).keyID(key.getKeyID()).build(), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("Could not sign an access token", e);
        }
        return new IssuedToken(jwt.serialize(), expires);
    }

    public TokenClaims verify(String token) throws TokenException {
        if (token == null || token.isBlank()) {
            throw new TokenException(TokenException.Reason.MISSING, "An access token is required.");
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw new TokenException(TokenException.Reason.INVALID, "The access token is not valid.");
        }
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
                throw new TokenException(TokenException.Reason.INVALID, "The access token is not valid.");
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            if (!ISSUER.equals(claims.getIssuer()) || claims.getAudience() == null
                    || !claims.getAudience().contains(AUDIENCE) || claims.getSubject() == null
                    || claims.getExpirationTime() == null) {
                throw new TokenException(TokenException.Reason.INVALID, "The access token is not valid.");
            }
            Instant expiresAt = claims.getExpirationTime().toInstant();
            if (clock.instant().isAfter(expiresAt.plus(CLOCK_SKEW))) {
                throw new TokenException(TokenException.Reason.EXPIRED, "The access token has expired; sign in again or refresh it.");
            }
            List<String> spec = claims.getStringListClaim("spec");
            Set<String> specialties = spec == null ? Set.of() : new HashSet<>(spec);
            return new TokenClaims(claims.getSubject(), claims.getStringClaim("name"), Role.valueOf(claims.getStringClaim("role")),
                    nullToEmpty(claims.getStringClaim("disp")), nullToEmpty(claims.getStringClaim("prov")), specialties,
                    nullToEmpty(claims.getStringClaim("lang")), expiresAt, claims.getStringClaim("sid"));
        } catch (ParseException | JOSEException | IllegalArgumentException | NullPointerException e) {
            throw new TokenException(TokenException.Reason.INVALID, "The access token is not valid.");
        }
    }

    private static ECPublicKey heldByBouncyCastle(ECPublicKey key) throws GeneralSecurityException {
        return (ECPublicKey) KeyFactory.getInstance("EC", BOUNCY_CASTLE)
                .generatePublic(new X509EncodedKeySpec(key.getEncoded()));
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    public record IssuedToken(String token, Instant expiresAt) {
    }
}
