package ma.tabiblink.ops.load;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Mints access tokens as the server's login does (ES256, claims iss/aud/sub/jti/name/role/spec/disp/prov/lang/iat/exp),
 * signed with the server's own key file, so the generator can bring any number of identities. They belong to no sign-in
 * session (no {@code sid}): the server accepts them only when started with {@code TABIB_AUTH_SESSIONLESS_TOKENS=true}
 * (the benchmark scripts do), and never refreshes them: a run mints them to outlast itself.
 */
final class TokenMinter {

    static final String ISSUER = "tabib-link";
    static final String AUDIENCE = "tabib-link-api";
    static final Duration LIFETIME = Duration.ofMinutes(15);
    private static final String LANGUAGE = "fr";

    private final JWSSigner signer;
    private final JWSHeader header;
    private final Clock clock;
    private final Duration lifetime;

    private TokenMinter(ECKey key, Clock clock, Duration lifetime) throws JOSEException {
        ECDSASigner es256 = new ECDSASigner(key);
        // Several times faster than the JDK's provider; the generator mints a token per connection it opens.
        es256.getJCAContext().setProvider(new BouncyCastleProvider());
        this.signer = es256;
        this.header = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build();
        this.clock = clock;
        this.lifetime = lifetime;
    }

    static TokenMinter fromKeyFile(Path keyFile, Clock clock) {
        return fromKeyFile(keyFile, clock, LIFETIME);
    }

    /** Tokens that live {@code lifetime} (at least the usual 15 minutes). */
    static TokenMinter fromKeyFile(Path keyFile, Clock clock, Duration lifetime) {
        String json;
        try {
            json = Files.readString(keyFile);
        } catch (IOException e) {
            throw new LoadException("KEY_FILE_UNREADABLE", "cannot read the signing key file " + keyFile + ": " + e.getMessage());
        }
        try {
            JWK jwk = JWK.parse(json);
            if (!(jwk instanceof ECKey ec) || !ec.isPrivate()) {
                throw new LoadException("KEY_FILE_INVALID", keyFile + " does not hold a private EC (P-256) JWK");
            }
            return new TokenMinter(ec, clock, lifetime.compareTo(LIFETIME) > 0 ? lifetime : LIFETIME);
        } catch (ParseException | JOSEException e) {
            throw new LoadException("KEY_FILE_INVALID", keyFile + " is not a usable JWK: " + e.getMessage());
        }
    }

    String mint(Identity who) {
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .subject(who.id())
                .jwtID(UUID.randomUUID().toString())
                .claim("name", who.name())
                .claim("role", who.role().name())
                .claim("spec", who.specialties())
                .claim("lang", LANGUAGE)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)));
        if (who.dispensaryId() != null) {
            claims.claim("disp", who.dispensaryId()).claim("prov", who.province());
        }
        SignedJWT jwt = new SignedJWT(header, claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new LoadException("TOKEN_SIGNING_FAILED", "cannot sign a token for " + who.id() + ": " + e.getMessage());
        }
        return jwt.serialize();
    }
}
