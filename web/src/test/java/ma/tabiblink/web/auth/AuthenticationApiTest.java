package ma.tabiblink.web.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.interfaces.DecodedJWT;

import ma.tabiblink.records.Records;
import ma.tabiblink.records.audit.AuditAction;
import ma.tabiblink.records.audit.AuditOutcome;
import ma.tabiblink.web.account.AccountRepository;
import ma.tabiblink.web.account.PasswordHasher;
import ma.tabiblink.web.account.Role;
import ma.tabiblink.web.account.UserAccount;
import ma.tabiblink.web.support.ApiClient;
import ma.tabiblink.web.support.WebTestSupport;

class AuthenticationApiTest extends WebTestSupport {

    @Autowired
    AccountRepository accounts;
    @Autowired
    PasswordHasher hasher;
    @Autowired
    Records records;

    @Test
    void everyDemoAccountSignsInWithARoleAndAnES256TokenAnotherLibraryVerifies() throws Exception {
        var key = SigningKeyFile.load(DATA_DIR.resolve("keys/access-token.jwk"));
        Algorithm es256 = Algorithm.ECDSA256(key.toECPublicKey(), null);
        Map<String, String> roles = Map.of("nurse1", "NURSE", "nurse2", "NURSE", "dr.cardio", "SPECIALIST",
                "dr.pedia", "SPECIALIST", "dr.derm", "SPECIALIST", "coord1", "COORDINATOR", "admin", "ADMIN");
        for (var entry : roles.entrySet()) {
            ApiClient client = as(entry.getKey());
            DecodedJWT jwt = JWT.require(es256).withIssuer("tabib-link").withSubject(entry.getKey()).build()
                    .verify(client.accessToken());
            assertThat(jwt.getClaim("role").asString()).isEqualTo(entry.getValue());
            assertThat(jwt.getExpiresAtAsInstant()).isAfter(Instant.now()).isBefore(Instant.now().plus(Duration.ofMinutes(16)));
            assertThat(client.get("/api/v1/me").json().path("role").asText()).isEqualTo(entry.getValue());
        }
        assertThat(as("nurse1").get("/api/v1/me").json().path("province").asText()).isEqualTo("Tinghir");
        assertThat(as("nurse2").get("/api/v1/me").json().path("dispensaryId").asText()).isEqualTo("disp-azilal");
        assertThat(as("dr.cardio").get("/api/v1/me").json().path("specialties").get(0).asText()).isEqualTo("cardiology");
    }

    @Test
    void aWrongPasswordOrUnknownUserIsRefusedWithACode() {
        ApiClient.Response wrong = api().post("/api/v1/auth/login", Map.of("username", "dr.derm", "password", "nope"));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.code()).isEqualTo("BAD_CREDENTIALS");
        ApiClient.Response unknown = api().post("/api/v1/auth/login", Map.of("username", "ghost", "password", "x"));
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.code()).isEqualTo("BAD_CREDENTIALS");
    }

    @Test
    void malformedOrIncompleteLoginRequestsGetCodedErrors() {
        assertThat(api().postRaw("/api/v1/auth/login", "{not json").code()).isEqualTo("BAD_JSON");
        ApiClient.Response missing = api().post("/api/v1/auth/login", Map.of("username", "nurse1"));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.code()).isEqualTo("VALIDATION_FAILED");
        assertThat(missing.body()).doesNotContain("Exception").doesNotContain("at ma.tabiblink");
    }

    /** Failures delay the next attempts (from this client) rather than lock the account; see LoginThrottleTest. */
    @Test
    void repeatedFailuresDelayTheNextAttemptEvenForTheRightPassword() {
        accounts.saveUser(new UserAccount("locktest", "Lock Test", Role.NURSE, hasher.hash("right-password"),
                "disp-tinghir", Set.of(), "fr", true));
        for (int i = 0; i < 5; i++) {
            assertThat(api().post("/api/v1/auth/login", Map.of("username", "locktest", "password", "wrong")).code())
                    .isEqualTo("BAD_CREDENTIALS");
        }
        ApiClient.Response delayed = api().post("/api/v1/auth/login", Map.of("username", "locktest", "password", "right-password"));
        assertThat(delayed.status()).isEqualTo(429);
        assertThat(delayed.code()).isEqualTo("LOGIN_DELAYED");
        assertThat(delayed.json().path("details").path("retryAfterSeconds").asLong()).isBetween(1L, 2L);
    }

    @Test
    void aRefreshTokenWorksOnceAndLogoutEndsTheSession() {
        ApiClient nurse = as("nurse2");
        String refresh = nurse.refreshToken();
        ApiClient.Response refreshed = api().post("/api/v1/auth/refresh", Map.of("refreshToken", refresh));
        assertThat(refreshed.status()).isEqualTo(200);
        String next = refreshed.json().get("refreshToken").asText();
        assertThat(next).isNotEqualTo(refresh);

        assertThat(nurse.post("/api/v1/auth/logout", Map.of("refreshToken", next)).status()).isEqualTo(204);
        assertThat(api().post("/api/v1/auth/refresh", Map.of("refreshToken", next)).code()).isEqualTo("SESSION_EXPIRED");
    }

    @Test
    void replayedRefreshTokenRevokesTheWholeFamily() {
        ApiClient nurse = as("nurse2");
        String stolen = nurse.refreshToken();
        ApiClient.Response owner = api().post("/api/v1/auth/refresh", Map.of("refreshToken", stolen));
        assertThat(owner.status()).isEqualTo(200);
        ApiClient ownerNow = nurse.withAccessToken(owner.json().path("accessToken").asText());
        assertThat(ownerNow.get("/api/v1/me").status()).isEqualTo(200);

        ApiClient.Response replay = api().post("/api/v1/auth/refresh", Map.of("refreshToken", stolen));
        assertThat(replay.status()).isEqualTo(401);
        assertThat(replay.code()).isEqualTo("REFRESH_TOKEN_REUSED");
        // the whole session is gone: the newer refresh token and every access token of the family
        assertThat(api().post("/api/v1/auth/refresh",
                Map.of("refreshToken", owner.json().path("refreshToken").asText())).code()).isEqualTo("SESSION_EXPIRED");
        assertThat(ownerNow.get("/api/v1/me").code()).isEqualTo("SESSION_ENDED");
        assertThat(nurse.get("/api/v1/me").code()).isEqualTo("SESSION_ENDED");
        assertThat(records.audit().entries(null, 100_000)).anyMatch(e -> e.action() == AuditAction.SESSION_REVOKE
                && "nurse2".equals(e.entityId()));
    }

    @Test
    void logoutWorksWithTheRefreshTokenAloneAndStopsTheAccessTokenAtOnce() {
        ApiClient nurse = as("nurse2");
        assertThat(nurse.get("/api/v1/me").status()).isEqualTo(200);
        // no access token at all (as when it has expired): the refresh token is enough
        assertThat(api().post("/api/v1/auth/logout", Map.of("refreshToken", nurse.refreshToken())).status()).isEqualTo(204);
        assertThat(api().post("/api/v1/auth/refresh", Map.of("refreshToken", nurse.refreshToken())).code())
                .isEqualTo("SESSION_EXPIRED");
        ApiClient.Response after = nurse.get("/api/v1/me");
        assertThat(after.status()).isEqualTo(401);
        assertThat(after.code()).isEqualTo("SESSION_ENDED");
        assertThat(records.audit().entries(null, 100_000)).anyMatch(e -> e.action() == AuditAction.SIGN_OUT
                && "nurse2".equals(e.actorId()));
    }

    @Test
    void logoutWithAnExpiredAccessTokenStillEndsTheSession() throws Exception {
        ApiClient nurse = as("nurse2");
        String sessionId = com.nimbusds.jwt.SignedJWT.parse(nurse.accessToken()).getJWTClaimsSet().getStringClaim("sid");
        var key = SigningKeyFile.load(DATA_DIR.resolve("keys/access-token.jwk"));
        Clock anHourAgo = Clock.fixed(Instant.now().minus(Duration.ofHours(1)), ZoneOffset.UTC);
        String expired = new AccessTokens(key, anHourAgo, Duration.ofMinutes(15)).issue(new TokenClaims("nurse2", "N",
                Role.NURSE, "disp-azilal", "Azilal", Set.of(), "fr", null, sessionId), null).token();
        assertThat(nurse.withAccessToken(expired).post("/api/v1/auth/logout",
                Map.of("refreshToken", nurse.refreshToken())).status()).isEqualTo(204);
        assertThat(api().post("/api/v1/auth/refresh", Map.of("refreshToken", nurse.refreshToken())).code())
                .isEqualTo("SESSION_EXPIRED");
        assertThat(nurse.get("/api/v1/me").code()).isEqualTo("SESSION_ENDED");
    }

    @Test
    void accessTokensCarryTheirAudienceAndTokensForAnotherAudienceAreRefused() throws Exception {
        ApiClient nurse = as("nurse1");
        var claims = com.nimbusds.jwt.SignedJWT.parse(nurse.accessToken()).getJWTClaimsSet();
        assertThat(claims.getAudience()).containsExactly("tabib-link-api");
        assertThat(claims.getStringClaim("sid")).isNotBlank();

        var key = SigningKeyFile.load(DATA_DIR.resolve("keys/access-token.jwk"));
        for (var audience : new java.util.List[] {java.util.List.of("jitsi"), java.util.List.of()}) {
            var other = new com.nimbusds.jwt.JWTClaimsSet.Builder(claims).audience(audience).build();
            var jwt = new com.nimbusds.jwt.SignedJWT(new com.nimbusds.jose.JWSHeader.Builder(
                    com.nimbusds.jose.JWSAlgorithm.ES256).keyID(key.getKeyID()).build(), other);
            jwt.sign(new com.nimbusds.jose.crypto.ECDSASigner(key));
            assertThat(new ApiClientWithToken(jwt.serialize()).get("/api/v1/me").code()).isEqualTo("AUTH_INVALID");
        }
    }

    @Test
    void aTokenMintedOutsideASignInIsRefused() {
        var key = SigningKeyFile.load(DATA_DIR.resolve("keys/access-token.jwk"));
        String sessionless = new AccessTokens(key, Clock.systemUTC(), Duration.ofMinutes(15)).issue(new TokenClaims(
                "nurse1", "N", Role.NURSE, "disp-tinghir", "Tinghir", Set.of(), "fr", null, null), null).token();
        assertThat(new ApiClientWithToken(sessionless).get("/api/v1/me").code()).isEqualTo("AUTH_INVALID");
        String unknownSession = new AccessTokens(key, Clock.systemUTC(), Duration.ofMinutes(15)).issue(new TokenClaims(
                "nurse1", "N", Role.NURSE, "disp-tinghir", "Tinghir", Set.of(), "fr", null, "no-such-session"), null).token();
        assertThat(new ApiClientWithToken(unknownSession).get("/api/v1/me").code()).isEqualTo("SESSION_ENDED");
    }

    @Test
    void signInsAndRefusedSignInsAreAudited() {
        as("dr.pedia");
        api().post("/api/v1/auth/login", Map.of("username", "dr.pedia", "password", "not-the-password"));
        var entries = records.audit().entries(null, 100_000);
        assertThat(entries).anyMatch(e -> e.action() == AuditAction.SIGN_IN && e.outcome() == AuditOutcome.SUCCESS
                && "dr.pedia".equals(e.actorId()));
        assertThat(entries).anyMatch(e -> e.action() == AuditAction.SIGN_IN && e.outcome() == AuditOutcome.DENIED
                && "dr.pedia".equals(e.entityId()) && "wrong password".equals(e.detail()));
    }

    @Test
    void apiCallsWithoutAValidTokenAreRefusedWithTheReason() {
        assertThat(api().get("/api/v1/me").code()).isEqualTo("AUTH_REQUIRED");
        ApiClient.Response garbage = new ApiClientWithToken("not.a.jwt").get("/api/v1/me");
        assertThat(garbage.status()).isEqualTo(401);
        assertThat(garbage.code()).isEqualTo("AUTH_INVALID");

        var key = SigningKeyFile.load(DATA_DIR.resolve("keys/access-token.jwk"));
        Clock anHourAgo = Clock.fixed(Instant.now().minus(Duration.ofHours(1)), ZoneOffset.UTC);
        String expired = new AccessTokens(key, anHourAgo, Duration.ofMinutes(15)).issue(new TokenClaims("nurse1", "N",
                Role.NURSE, "disp-tinghir", "Tinghir", Set.of(), "fr", null, null), null).token();
        assertThat(new ApiClientWithToken(expired).get("/api/v1/me").code()).isEqualTo("AUTH_EXPIRED");

        var otherKey = SigningKeyFile.loadOrCreate(Path.of(System.getProperty("java.io.tmpdir"), "other-" + System.nanoTime() + ".jwk"));
        String forged = new AccessTokens(otherKey, Clock.systemUTC(), Duration.ofMinutes(15)).issue(new TokenClaims("admin", "A",
                Role.ADMIN, "", "", Set.of(), "en", null, null), null).token();
        assertThat(new ApiClientWithToken(forged).get("/api/v1/me").code()).isEqualTo("AUTH_INVALID");
    }

    @Test
    void theLanguageChoiceIsRememberedForTheUser() {
        ApiClient nurse = as("nurse2");
        assertThat(nurse.put("/api/v1/me/language", Map.of("language", "ar")).status()).isEqualTo(204);
        assertThat(as("nurse2").get("/api/v1/me").json().path("language").asText()).isEqualTo("ar");
        assertThat(nurse.put("/api/v1/me/language", Map.of("language", "xx")).code()).isEqualTo("UNSUPPORTED_LANGUAGE");
        nurse.put("/api/v1/me/language", Map.of("language", "fr"));
    }

    @Test
    void healthIsUpWithRedisAndTheOpenApiDocumentListsTheLogin() {
        assertThat(api().get("/actuator/health").json().path("status").asText()).isEqualTo("UP");
        assertThat(api().get("/v3/api-docs").json().path("paths").has("/api/v1/auth/login")).isTrue();
        assertThat(new ApiClientWithToken("").get("/actuator/prometheus").body()).contains("jvm_memory_used_bytes");
    }

    @Test
    void passwordsAreStoredAsArgon2idHashes() {
        String stored = accounts.findUser("coord1").orElseThrow().passwordHash();
        assertThat(stored).startsWith("$argon2id$v=19$m=19456,t=2,p=1$").doesNotContain("demo1234");
        assertThat(hasher.matches("demo1234", stored)).isTrue();
        assertThat(hasher.matches("demo12345", stored)).isFalse();
        assertThat(List.of(hasher.hash("same"), hasher.hash("same"))).doesNotHaveDuplicates();
    }

    /** A client sending a given raw token. */
    private final class ApiClientWithToken {
        private final String token;

        ApiClientWithToken(String token) {
            this.token = token;
        }

        ApiClient.Response get(String path) {
            try {
                var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
                        .header("Authorization", "Bearer " + token).GET().build();
                var response = java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
                return new ApiClient.Response(response.statusCode(), response.body(), "");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }
}
