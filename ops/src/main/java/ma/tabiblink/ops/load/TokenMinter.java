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

/**
 * Mints access tokens exactly as the server's login does (ES256, claims iss/sub/jti/name/role/spec/disp/prov/lang/iat/exp),
 * signed with the server's own key file, so the generator can bring any number of identities.
 */
final class TokenMinter {

    static final String ISSUER = "tabib-link";
    static final Duration LIFETIME = Duration.ofMinutes(15);
    private static final String LANGUAGE = "fr";

    private final JWSSigner signer;
    private final JWSHeader header;
    private final Clock clock;

    private TokenMinter(ECKey key, Clock clock) throws JOSEException {
        this.signer = new ECDSASigner(key);
        this.header = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build();
        this.clock = clock;
    }

    static TokenMinter fromKeyFile(Path keyFile, Clock clock) {
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
            return new TokenMinter(ec, clock);
        } catch (ParseException | JOSEException e) {
            throw new LoadException("KEY_FILE_INVALID", keyFile + " is not a usable JWK: " + e.getMessage());
        }
    }

    String mint(Identity who) {
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(who.id())
                .jwtID(UUID.randomUUID().toString())
                .claim("name", who.name())
                .claim("role", who.role().name())
                .claim("spec", who.specialties())
                .claim("lang", LANGUAGE)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(LIFETIME)));
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
