package ma.tabiblink.web.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

import ma.tabiblink.web.account.Role;

/** Signing and verifying go through BouncyCastle; tokens stay standard ES256 either way. */
class AccessTokensTest {

    private static final TokenClaims NURSE = new TokenClaims("nurse1", "Nurse", Role.NURSE, "disp-tinghir", "Tinghir",
            Set.of(), "fr", null, "ses-1");

    private final ECKey key = newKey();
    private final AccessTokens tokens = new AccessTokens(key, Clock.systemUTC(), Duration.ofMinutes(15));

    @Test
    void anIssuedTokenVerifiesHereAndWithTheJdksOwnProvider() throws Exception {
        String token = tokens.issue(NURSE, null).token();

        assertThat(tokens.verify(token).userId()).isEqualTo("nurse1");
        assertThat(SignedJWT.parse(token).verify(new ECDSAVerifier(key.toECPublicKey()))).isTrue();
    }

    @Test
    void aTokenSignedWithTheJdksOwnProviderVerifies() throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(AccessTokens.ISSUER).audience(AccessTokens.AUDIENCE)
                .subject("dr.cardio").expirationTime(new java.util.Date(System.currentTimeMillis() + 60_000))
                .claim("role", "SPECIALIST").build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new ECDSASigner(key));

        assertThat(tokens.verify(jwt.serialize()).userId()).isEqualTo("dr.cardio");
    }

    @Test
    void anAlteredSignatureOrAnotherKeysSignatureIsRefused() {
        String token = tokens.issue(NURSE, null).token();
        String[] parts = token.split("\\.");
        byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
        signature[7] ^= 1;
        String altered = parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
        String otherKeys = new AccessTokens(newKey(), Clock.systemUTC(), Duration.ofMinutes(15)).issue(NURSE, null).token();

        for (String refused : new String[] {altered, otherKeys, parts[0] + "." + parts[1] + "."}) {
            assertThatThrownBy(() -> tokens.verify(refused)).isInstanceOfSatisfying(TokenException.class,
                    e -> assertThat(e.reason()).isEqualTo(TokenException.Reason.INVALID));
        }
    }

    @Test
    void withOnlyThePublicHalfTokensVerifyButNoneIsIssued() throws Exception {
        AccessTokens verifyOnly = new AccessTokens(key.toPublicJWK(), Clock.systemUTC(), Duration.ofMinutes(15));

        assertThat(verifyOnly.verify(tokens.issue(NURSE, null).token()).userId()).isEqualTo("nurse1");
        assertThatThrownBy(() -> verifyOnly.issue(NURSE, null)).isInstanceOf(IllegalStateException.class);
    }

    private static ECKey newKey() {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID("test").generate();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
