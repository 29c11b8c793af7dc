package ma.tabiblink.ops.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenMinterTest {

    @TempDir
    Path dir;

    @Test
    void mintedTokenCarriesTheAccessTokenClaimsAndVerifiesWithTheServersPublicKey() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("k-2026").generate();
        Path keyFile = Files.writeString(dir.resolve("access-token.jwk"), key.toJSONString());
        Instant now = Instant.parse("2026-11-25T10:00:00Z");
        TokenMinter minter = TokenMinter.fromKeyFile(keyFile, Clock.fixed(now, ZoneOffset.UTC));

        String token = minter.mint(Identity.specialist("load", 17, "cardiology"));

        DecodedJWT jwt = JWT.require(Algorithm.ECDSA256(key.toECPublicKey(), null))
                .withIssuer("tabib-link")
                .withAudience("tabib-link-api")
                .acceptExpiresAt(Duration.ofDays(3650).toSeconds())
                .build()
                .verify(token);
        assertThat(jwt.getKeyId()).isEqualTo("k-2026");
        assertThat(jwt.getSubject()).isEqualTo("load-spec-17");
        assertThat(jwt.getClaim("role").asString()).isEqualTo("SPECIALIST");
        assertThat(jwt.getClaim("spec").asList(String.class)).containsExactly("cardiology");
        assertThat(jwt.getClaim("name").asString()).isEqualTo("Load specialist 17");
        assertThat(jwt.getClaim("lang").asString()).isEqualTo("fr");
        assertThat(jwt.getId()).isNotBlank();
        assertThat(jwt.getIssuedAtAsInstant()).isEqualTo(now);
        assertThat(jwt.getExpiresAtAsInstant()).isEqualTo(now.plus(Duration.ofMinutes(15)));
        assertThat(jwt.getClaim("sid").isMissing()).isTrue();
    }

    @Test
    void tokensOutlastTheRunTheyAreMintedFor() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        Path keyFile = Files.writeString(dir.resolve("access-token.jwk"), key.toJSONString());
        Instant now = Instant.parse("2026-11-25T10:00:00Z");
        String token = TokenMinter.fromKeyFile(keyFile, Clock.fixed(now, ZoneOffset.UTC), Duration.ofHours(3))
                .mint(Identity.nurse("load", 4));
        DecodedJWT jwt = JWT.require(Algorithm.ECDSA256(key.toECPublicKey(), null))
                .acceptExpiresAt(Duration.ofDays(3650).toSeconds()).build().verify(token);
        assertThat(jwt.getExpiresAtAsInstant()).isEqualTo(now.plus(Duration.ofHours(3)));
    }

    @Test
    void nurseTokenNamesHerDispensaryAndProvince() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        Path keyFile = Files.writeString(dir.resolve("access-token.jwk"), key.toJSONString());

        String token = TokenMinter.fromKeyFile(keyFile, Clock.systemUTC()).mint(Identity.nurse("load", 3));

        DecodedJWT jwt = JWT.require(Algorithm.ECDSA256(key.toECPublicKey(), null)).build().verify(token);
        assertThat(jwt.getSubject()).isEqualTo("load-nurse-3");
        assertThat(jwt.getClaim("role").asString()).isEqualTo("NURSE");
        assertThat(jwt.getClaim("disp").asString()).isEqualTo("disp-tinghir");
        assertThat(jwt.getClaim("prov").asString()).isEqualTo("Tinghir");
        assertThat(jwt.getClaim("spec").asList(String.class)).isEmpty();
    }

    @Test
    void aPublicKeyFileCannotMintAndSaysWhy() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        Path keyFile = Files.writeString(dir.resolve("public.jwk"), key.toPublicJWK().toJSONString());

        assertThatThrownBy(() -> TokenMinter.fromKeyFile(keyFile, Clock.systemUTC()))
                .isInstanceOfSatisfying(LoadException.class, e -> assertThat(e.code()).isEqualTo("KEY_FILE_INVALID"))
                .hasMessageContaining("private EC");
    }

    @Test
    void aMissingKeyFileIsReportedWithItsPath() {
        Path missing = dir.resolve("nowhere.jwk");

        assertThatThrownBy(() -> TokenMinter.fromKeyFile(missing, Clock.systemUTC()))
                .isInstanceOfSatisfying(LoadException.class, e -> assertThat(e.code()).isEqualTo("KEY_FILE_UNREADABLE"))
                .hasMessageContaining("nowhere.jwk");
    }
}
