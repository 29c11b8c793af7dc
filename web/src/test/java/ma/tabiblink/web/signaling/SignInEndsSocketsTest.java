package ma.tabiblink.web.signaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;

import ma.tabiblink.records.Records;
import ma.tabiblink.records.audit.AuditAction;
import ma.tabiblink.records.audit.AuditEntry;
import ma.tabiblink.signaling.auth.Identity;
import ma.tabiblink.signaling.auth.Role;
import ma.tabiblink.signaling.auth.SessionEnd;
import ma.tabiblink.signaling.auth.SessionEndedException;
import ma.tabiblink.web.account.AccountRepository;
import ma.tabiblink.web.auth.AccessTokens;
import ma.tabiblink.web.auth.SignInSessions;
import ma.tabiblink.web.support.ApiClient;
import ma.tabiblink.web.support.JsonWebSocket;
import ma.tabiblink.web.support.WebTestSupport;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;

/**
 * No socket outlives its sign-in: signing out, a disabled account or a changed role closes the user's signalling
 * sockets on every node within seconds (close 4410, the peer's call ends) and their access tokens stop working on REST
 * at once.
 */
class SignInEndsSocketsTest extends WebTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration CUT_OFF = Duration.ofSeconds(5);

    @Autowired
    UnifiedJedis redis;
    @Autowired
    Records records;
    @Autowired
    AccountRepository accounts;
    @Autowired
    AccessTokens accessTokens;
    @Autowired
    SignInSessions sessions;
    @Autowired
    EmbeddedSignaling signalingHere;

    @Test
    void disablingANurseInACallCutsHerOffEveryNodeWithinFiveSecondsAndHerTokenGets401() throws Exception {
        ApiClient admin = as("admin");
        ApiClient nurse = as("nurse1");
        ApiClient cardiologist = as("dr.cardio");
        String patient = registerConsentingPatient(nurse, "Fadma Ouhammou");
        try (ConfigurableApplicationContext otherNode = startSignalingNode("second-node")) {
            String otherUrl = "ws://127.0.0.1:" + otherNode.getBean(EmbeddedSignaling.class).boundPort() + "/signal";
            try (JsonWebSocket doctor = signaling(cardiologist);
                 JsonWebSocket tablet = JsonWebSocket.connect(otherUrl + "?ticket=" + nurse.ticket("signal"),
                         "http://127.0.0.1:" + port);
                 JsonWebSocket secondTab = signaling(nurse)) {
                JsonNode welcome = tablet.next(WAIT);
                assertThat(welcome.path("user").path("id").asText()).as(welcome.toString()).isEqualTo("nurse1");
                String callId = establishCall(doctor, tablet, "cardiology", patient);

                Instant disabled = Instant.now();
                assertThat(admin.put("/api/v1/admin/users/nurse1/enabled", Map.of("enabled", false)).status()).isEqualTo(200);

                ApiClient.Response rest = nurse.get("/api/v1/me");
                assertThat(rest.status()).isEqualTo(401);
                assertThat(rest.code()).isEqualTo("SESSION_ENDED");
                for (JsonWebSocket socket : List.of(tablet, secondTab)) {
                    assertThat(socket.awaitType("error", CUT_OFF).path("code").asText()).isEqualTo("ACCOUNT_DISABLED");
                    assertThat(socket.closeCode(CUT_OFF)).isEqualTo(4410);
                }
                assertThat(Duration.between(disabled, Instant.now())).isLessThan(CUT_OFF);
                JsonNode ended = doctor.awaitType("call.ended", CUT_OFF);
                assertThat(ended.path("callId").asText()).isEqualTo(callId);
                assertThat(ended.path("reason").asText()).isEqualTo("session-ended");
                assertThat(api().post("/api/v1/auth/refresh", Map.of("refreshToken", nurse.refreshToken())).status())
                        .isEqualTo(401);
                assertThat(audit()).anyMatch(e -> e.action() == AuditAction.ACCOUNT_DISABLE
                        && "nurse1".equals(e.entityId()) && "admin".equals(e.actorId()));
            } finally {
                admin.put("/api/v1/admin/users/nurse1/enabled", Map.of("enabled", true));
            }
        }
    }

    @Test
    void signingOutClosesTheSocketsOfThatSignInOnlyAndEndsTheirCalls() {
        ApiClient tabletSignIn = as("nurse2");
        ApiClient desktopSignIn = as("nurse2");
        ApiClient dermatologist = as("dr.derm");
        String patient = registerConsentingPatient(tabletSignIn, "Hadda Ouhammou");
        String url = signalingUrl(desktopSignIn);
        try (JsonWebSocket doctor = signaling(dermatologist); JsonWebSocket tablet = signaling(tabletSignIn);
             JsonWebSocket desktop = signaling(desktopSignIn)) {
            establishCall(doctor, tablet, "dermatology", patient);
            assertThat(api().post("/api/v1/auth/logout", Map.of("refreshToken", tabletSignIn.refreshToken())).status())
                    .isEqualTo(204);
            assertThat(tablet.awaitType("error", CUT_OFF).path("code").asText()).isEqualTo("SESSION_ENDED");
            assertThat(tablet.closeCode(CUT_OFF)).isEqualTo(4410);
            assertThat(doctor.awaitType("call.ended", CUT_OFF).path("reason").asText()).isEqualTo("session-ended");

            desktop.send(Map.of("type", "ping", "id", "still-here"));
            assertThat(desktop.awaitType("pong", WAIT).path("re").asText()).isEqualTo("still-here");
            assertThat(desktopSignIn.get("/api/v1/me").status()).isEqualTo(200);
        }
        try (JsonWebSocket again = JsonWebSocket.connectWithBearer(url, tabletSignIn.accessToken())) {
            assertThat(again.next(WAIT).path("code").asText()).isEqualTo("SESSION_ENDED");
            assertThat(again.closeCode(WAIT)).isEqualTo(4410);
        }
    }

    @Test
    void aReplayedRefreshTokenClosesTheSocketsOfItsSession() {
        ApiClient nurse = as("nurse2");
        try (JsonWebSocket tablet = signaling(nurse)) {
            assertThat(api().post("/api/v1/auth/refresh", Map.of("refreshToken", nurse.refreshToken())).status()).isEqualTo(200);
            assertThat(api().post("/api/v1/auth/refresh", Map.of("refreshToken", nurse.refreshToken())).code())
                    .isEqualTo("REFRESH_TOKEN_REUSED");
            assertThat(tablet.awaitType("error", CUT_OFF).path("code").asText()).isEqualTo("SESSION_ENDED");
            assertThat(tablet.closeCode(CUT_OFF)).isEqualTo(4410);
        }
    }

    @Test
    void aTicketTakenBeforeSigningOutOpensNothingAfterwards() {
        ApiClient nurse = as("nurse2");
        String ticket = nurse.ticket("signal");
        api().post("/api/v1/auth/logout", Map.of("refreshToken", nurse.refreshToken()));
        try (JsonWebSocket socket = JsonWebSocket.connect(signalingUrl(as("nurse2")) + "?ticket=" + ticket,
                "http://127.0.0.1:" + port)) {
            assertThat(socket.next(WAIT).path("code").asText()).isEqualTo("SESSION_ENDED");
            assertThat(socket.closeCode(WAIT)).isEqualTo(4410);
        }
    }

    @Test
    void changingAUsersRoleClosesTheirSocketsEndsTheirSessionsAndIsAudited() {
        ApiClient admin = as("admin");
        String id = "nurse-role-" + System.nanoTime() % 100_000;
        assertThat(admin.post("/api/v1/admin/users", Map.of("id", id, "displayName", "Role Change", "role", "NURSE",
                "password", "a-long-password", "dispensaryId", "disp-tinghir")).status()).isEqualTo(201);
        ApiClient user = api().login(id, "a-long-password");
        try (JsonWebSocket socket = signaling(user)) {
            ApiClient.Response changed = admin.put("/api/v1/admin/users/" + id + "/role",
                    Map.of("role", "SPECIALIST", "specialties", Set.of("cardiology")));
            assertThat(changed.status()).as(changed.body()).isEqualTo(200);
            assertThat(socket.awaitType("error", CUT_OFF).path("code").asText()).isEqualTo("ACCOUNT_CHANGED");
            assertThat(socket.closeCode(CUT_OFF)).isEqualTo(4410);
            assertThat(user.get("/api/v1/me").code()).isEqualTo("SESSION_ENDED");
        }
        assertThat(api().login(id, "a-long-password").get("/api/v1/me").json().path("role").asText()).isEqualTo("SPECIALIST");
        assertThat(audit()).anyMatch(e -> e.action() == AuditAction.ACCOUNT_CREATE && id.equals(e.entityId()));
        assertThat(audit()).anyMatch(e -> e.action() == AuditAction.ACCOUNT_ROLE_CHANGE && id.equals(e.entityId())
                && e.detail().startsWith("NURSE disp-tinghir -> SPECIALIST"));
    }

    @Test
    void aNodeThatMissedASignOutFindsItWhenItRechecksItsConnections() throws Exception {
        ApiClient nurse = as("nurse2");
        try (JsonWebSocket socket = signaling(nurse)) {
            // the session ends with no news on the revocation channel, as when a node's subscription was down
            sessions.end(sessionOf(nurse));
            signalingHere.mayHaveMissedSome();
            assertThat(socket.awaitType("error", CUT_OFF).path("code").asText()).isEqualTo("SESSION_ENDED");
            assertThat(socket.closeCode(CUT_OFF)).isEqualTo(4410);
        }
    }

    @Test
    void aPushedTokenNeverOutlivesItsSignInSessionAndEndsWithIt() throws Exception {
        ApiClient nurse = as("nurse2");
        String sid = sessionOf(nurse);
        AccountTokenRefresher refresher = new AccountTokenRefresher(accounts, accessTokens, sessions);
        Identity connected = new Identity("nurse2", "Nurse Two", Role.NURSE, "disp-azilal", "Azilal", Set.of(),
                Instant.now().plusSeconds(60), sid);

        var full = refresher.refresh(connected).orElseThrow();
        assertThat(full.expiresAt()).isAfter(Instant.now().plus(Duration.ofMinutes(14)));
        assertThat(SignedJWT.parse(full.accessToken()).getJWTClaimsSet().getStringClaim("sid")).isEqualTo(sid);
        // ninety seconds before the session's idle limit, a pushed token lasts ninety seconds, not fifteen minutes
        redis.pexpire("tl:acct:session:" + sid, 90_000);
        assertThat(refresher.refresh(connected).orElseThrow().expiresAt()).isBefore(Instant.now().plusSeconds(91));

        Identity otherDispensary = new Identity("nurse2", "Nurse Two", Role.NURSE, "disp-tinghir", "Tinghir", Set.of(),
                Instant.now().plusSeconds(60), sid);
        assertThatThrownBy(() -> refresher.refresh(otherDispensary)).isInstanceOfSatisfying(SessionEndedException.class,
                e -> assertThat(e.reason()).isEqualTo(SessionEnd.ACCOUNT_CHANGED));
        api().post("/api/v1/auth/logout", Map.of("refreshToken", nurse.refreshToken()));
        assertThatThrownBy(() -> refresher.refresh(connected)).isInstanceOfSatisfying(SessionEndedException.class,
                e -> assertThat(e.reason()).isEqualTo(SessionEnd.EXPIRED));
        assertThat(refresher.refresh(new Identity("nurse2", "N", Role.NURSE, "disp-azilal", "Azilal", Set.of(),
                Instant.now().plusSeconds(60)))).isEmpty();
    }

    private static String sessionOf(ApiClient user) throws Exception {
        return SignedJWT.parse(user.accessToken()).getJWTClaimsSet().getStringClaim("sid");
    }

    private List<AuditEntry> audit() {
        return records.audit().entries(null, 100_000);
    }

    private static String establishCall(JsonWebSocket doctor, JsonWebSocket tablet, String specialty, String patient) {
        doctor.send(Map.of("type", "presence.set", "id", "p1", "status", "available"));
        doctor.awaitType("presence", WAIT);
        tablet.send(Map.of("type", "call.request", "id", "r1", "specialty", specialty, "patientRef", patient));
        String callId = doctor.awaitType("call.incoming", WAIT).path("callId").asText();
        doctor.send(Map.of("type", "call.accept", "id", "a1", "callId", callId));
        tablet.awaitType("call.accepted", WAIT);
        doctor.awaitType("call.accepted", WAIT);
        return callId;
    }

    /**
     * A standalone signalling node (as with TABIB_MODE=signaling) on the application's Redis, token key and signalling
     * state key.
     */
    private ConfigurableApplicationContext startSignalingNode(String nodeId) throws Exception {
        List<?> config = (List<?>) redis.sendCommand(Protocol.Command.CONFIG, "GET", "port");
        String redisPort = new String((byte[]) config.get(1));
        return new SpringApplicationBuilder(StandaloneSignalingNode.class)
                .web(WebApplicationType.NONE)
                .profiles(StandaloneSignalingNode.PROFILE)
                .run("--tabib.demo=false", "--tabib.redis.url=redis://127.0.0.1:" + redisPort,
                        "--tabib.data-dir=" + Files.createTempDirectory("tabib-second-node"),
                        "--tabib.auth.token-key-file=" + DATA_DIR.resolve("keys/access-token.jwk"),
                        "--tabib.signaling.state-key-file=" + DATA_DIR.resolve("keys/signaling-state.key"),
                        "--tabib.signaling.port=0", "--tabib.signaling.node-id=" + nodeId, "--tabib.tls.enabled=false",
                        "--tabib.allowed-origins=http://127.0.0.1:" + port);
    }
}
