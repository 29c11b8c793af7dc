package ma.tabiblink.signaling.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.IncorrectClaimException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.exceptions.TokenExpiredException;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JitsiTokenTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final URI MEET = URI.create("https://meet.example.org");
    private static final String APP_ID = "tabib-link";
    private static final String SECRET = "0123456789abcdef0123456789abcdef-jitsi";
    private static final JitsiParticipant SPECIALIST =
            new JitsiParticipant("dr.cardio", "Dr. Amina Cardio", "cardio@example.org", true);
    private static final JitsiParticipant NURSE = new JitsiParticipant("nurse1", "Nurse Tinghir", null, false);

    private static KeyPair rsa;

    private final VideoBroker hsBroker = broker(JitsiConfig.hs256(MEET, APP_ID, SECRET));

    @BeforeAll
    static void generateRsaKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        rsa = generator.generateKeyPair();
    }

    @Test
    void hs256TokenVerifiesWithTheAppSecretAndCarriesEveryClaimProsodyChecks() {
        String room = hsBroker.newJitsiRoomName();
        Instant end = NOW.plus(Duration.ofMinutes(30));

        JitsiInvitation invitation = hsBroker.jitsiInvitation(room, SPECIALIST, end);

        DecodedJWT jwt = verifier(Algorithm.HMAC256(SECRET), room, CLOCK).verify(invitation.jwt());
        assertThat(jwt.getAlgorithm()).isEqualTo("HS256");
        assertThat(jwt.getType()).isEqualTo("JWT");
        assertThat(jwt.getKeyId()).isNull();
        assertThat(jwt.getIssuer()).isEqualTo(APP_ID);
        assertThat(jwt.getAudience()).containsExactly("jitsi");
        assertThat(jwt.getSubject()).isEqualTo("meet.example.org");
        assertThat(jwt.getClaim("room").asString()).isEqualTo(room);
        assertThat(jwt.getNotBeforeAsInstant()).isEqualTo(NOW.minus(VideoBroker.JITSI_CLOCK_SKEW));
        assertThat(jwt.getExpiresAtAsInstant()).isEqualTo(end.plus(JitsiConfig.DEFAULT_GRACE));
        assertThat(invitation.expiresAt()).isEqualTo(jwt.getExpiresAtAsInstant());
        Map<String, Object> user = user(jwt);
        assertThat(user).containsEntry("id", "dr.cardio")
                .containsEntry("name", "Dr. Amina Cardio")
                .containsEntry("email", "cardio@example.org")
                .containsEntry("moderator", "true")
                .containsEntry("affiliation", "owner");
        assertThat(user.values()).allSatisfy(value -> assertThat(value).isInstanceOf(String.class));
    }

    @Test
    void rs256TokenNamesItsKidAndVerifiesWithThePublicKey() {
        VideoBroker rsBroker = broker(JitsiConfig.rs256(MEET, APP_ID, (RSAPrivateKey) rsa.getPrivate(), "tabib/jitsi-2026"));
        String room = rsBroker.newJitsiRoomName();

        JitsiInvitation invitation = rsBroker.jitsiInvitation(room, NURSE, NOW.plus(Duration.ofMinutes(20)));

        DecodedJWT jwt = verifier(Algorithm.RSA256((RSAPublicKey) rsa.getPublic(), null), room, CLOCK).verify(invitation.jwt());
        assertThat(jwt.getAlgorithm()).isEqualTo("RS256");
        assertThat(jwt.getType()).isEqualTo("JWT");
        assertThat(jwt.getKeyId()).isEqualTo("tabib/jitsi-2026");
        assertThat(jwt.getIssuer()).isEqualTo(APP_ID);
        assertThat(jwt.getSubject()).isEqualTo("meet.example.org");
        assertThat(user(jwt)).containsEntry("id", "nurse1")
                .containsEntry("name", "Nurse Tinghir")
                .containsEntry("moderator", "false")
                .containsEntry("affiliation", "member")
                .doesNotContainKey("email");
    }

    @Test
    void tokenSignedWithAnotherSecretOrKeyIsRejected() {
        String room = hsBroker.newJitsiRoomName();
        JitsiInvitation invitation = hsBroker.jitsiInvitation(room, NURSE, NOW.plus(Duration.ofMinutes(20)));

        assertThatThrownBy(() -> verifier(Algorithm.HMAC256(SECRET + "x"), room, CLOCK).verify(invitation.jwt()))
                .isInstanceOf(SignatureVerificationException.class);
    }

    @Test
    void tokenForOneRoomDoesNotOpenAnother() {
        String room = hsBroker.newJitsiRoomName();
        JitsiInvitation invitation = hsBroker.jitsiInvitation(room, NURSE, NOW.plus(Duration.ofMinutes(20)));

        assertThatThrownBy(() -> verifier(Algorithm.HMAC256(SECRET), hsBroker.newJitsiRoomName(), CLOCK).verify(invitation.jwt()))
                .isInstanceOf(IncorrectClaimException.class);
    }

    @Test
    void tokenIsRefusedOnceConsultationEndPlusGraceHasPassed() {
        String room = hsBroker.newJitsiRoomName();
        Instant end = NOW.plus(Duration.ofMinutes(20));
        JitsiInvitation invitation = hsBroker.jitsiInvitation(room, NURSE, end);

        Clock afterGrace = Clock.fixed(end.plus(JitsiConfig.DEFAULT_GRACE).plusSeconds(1), ZoneOffset.UTC);

        assertThatThrownBy(() -> verifier(Algorithm.HMAC256(SECRET), room, afterGrace).verify(invitation.jwt()))
                .isInstanceOf(TokenExpiredException.class);
    }

    @Test
    void expiryIsNeverMoreThanADayAwayEvenForAFarConsultationEnd() {
        JitsiInvitation invitation = hsBroker.jitsiInvitation(hsBroker.newJitsiRoomName(), NURSE, NOW.plus(Duration.ofDays(30)));

        assertThat(JWT.decode(invitation.jwt()).getExpiresAtAsInstant()).isEqualTo(NOW.plus(VideoBroker.MAX_JITSI_TOKEN_LIFETIME));
        assertThat(invitation.expiresAt()).isEqualTo(NOW.plus(VideoBroker.MAX_JITSI_TOKEN_LIFETIME));
    }

    @Test
    void configuredGraceMovesTheExpiry() {
        VideoBroker broker = broker(JitsiConfig.hs256(MEET, APP_ID, SECRET).withGrace(Duration.ZERO));
        Instant end = NOW.plus(Duration.ofMinutes(45));

        JitsiInvitation invitation = broker.jitsiInvitation(broker.newJitsiRoomName(), NURSE, end);

        assertThat(invitation.expiresAt()).isEqualTo(end);
    }

    @Test
    void invitationAfterTheConsultationAndGraceAreOverIsRefused() {
        Instant endedLongAgo = NOW.minus(JitsiConfig.DEFAULT_GRACE).minusSeconds(1);

        assertThatThrownBy(() -> hsBroker.jitsiInvitation(hsBroker.newJitsiRoomName(), NURSE, endedLongAgo))
                .isInstanceOfSatisfying(VideoException.class,
                        e -> assertThat(e.code()).isEqualTo(VideoException.CONSULTATION_OVER));
    }

    @Test
    void audienceIsASingleStringAndHeaderHasOnlyTheDocumentedFields() throws Exception {
        JitsiInvitation invitation = hsBroker.jitsiInvitation(hsBroker.newJitsiRoomName(), NURSE, NOW.plusSeconds(600));
        String[] parts = invitation.jwt().split("\\.");
        ObjectMapper json = new ObjectMapper();

        JsonNode header = json.readTree(Base64.getUrlDecoder().decode(parts[0]));
        JsonNode payload = json.readTree(Base64.getUrlDecoder().decode(parts[1]));

        assertThat(header.size()).isEqualTo(2);
        assertThat(header.get("typ").asText()).isEqualTo("JWT");
        assertThat(payload.get("aud").isTextual()).isTrue();
        assertThat(payload.get("exp").isIntegralNumber()).isTrue();
        assertThat(payload.get("nbf").isIntegralNumber()).isTrue();
    }

    @Test
    void roomUrlIsTheJitsiBaseUrlThenTheRoomWithThisParticipantsToken() {
        String room = hsBroker.newJitsiRoomName();

        JitsiInvitation invitation = hsBroker.jitsiInvitation(room, NURSE, NOW.plusSeconds(600));

        assertThat(invitation.roomName()).isEqualTo(room);
        assertThat(invitation.roomUrl()).isEqualTo("https://meet.example.org/" + room + "?jwt=" + invitation.jwt());
        assertThat(invitation.toString()).doesNotContain(invitation.jwt());
    }

    @Test
    void tenantInTheBaseUrlBecomesTheSubjectAndPartOfTheRoomUrl() {
        VideoBroker broker = broker(JitsiConfig.hs256(URI.create("https://meet.example.org/Draa-Tafilalet/"), APP_ID, SECRET));
        String room = broker.newJitsiRoomName();

        JitsiInvitation invitation = broker.jitsiInvitation(room, NURSE, NOW.plusSeconds(600));

        assertThat(JWT.decode(invitation.jwt()).getSubject()).isEqualTo("draa-tafilalet");
        assertThat(invitation.roomUrl()).startsWith("https://meet.example.org/Draa-Tafilalet/" + room + "?jwt=");
    }

    @Test
    void explicitAudienceAndSubjectAreUsed() {
        VideoBroker broker = broker(JitsiConfig.hs256(MEET, APP_ID, SECRET).withAudience("tabib").withSubject("*"));

        DecodedJWT jwt = JWT.decode(broker.jitsiInvitation(broker.newJitsiRoomName(), NURSE, NOW.plusSeconds(600)).jwt());

        assertThat(jwt.getAudience()).containsExactly("tabib");
        assertThat(jwt.getSubject()).isEqualTo("*");
    }

    @Test
    void eachParticipantGetsTheirOwnTokenForTheSameRoom() {
        String room = hsBroker.newJitsiRoomName();

        JitsiInvitation specialist = hsBroker.jitsiInvitation(room, SPECIALIST, NOW.plusSeconds(600));
        JitsiInvitation nurse = hsBroker.jitsiInvitation(room, NURSE, NOW.plusSeconds(600));

        assertThat(specialist.jwt()).isNotEqualTo(nurse.jwt());
        assertThat(user(JWT.decode(specialist.jwt()))).containsEntry("moderator", "true");
        assertThat(user(JWT.decode(nurse.jwt()))).containsEntry("moderator", "false");
    }

    @Test
    void withoutJitsiConfigurationInvitationsAreRefusedWithJitsiNotConfigured() {
        VideoBroker broker = new VideoBroker(VideoConfig.stunOnly(List.of()), CLOCK);

        assertThat(broker.jitsiEnabled()).isFalse();
        assertThatThrownBy(() -> broker.jitsiInvitation(broker.newJitsiRoomName(), NURSE, NOW.plusSeconds(600)))
                .isInstanceOfSatisfying(VideoException.class,
                        e -> assertThat(e.code()).isEqualTo(VideoException.JITSI_NOT_CONFIGURED));
        assertThat(hsBroker.jitsiEnabled()).isTrue();
    }

    @Test
    void roomNameThatIsNotJitsiSafeIsRefused() {
        for (String bad : new String[] {"Room-Upper-Case", "room/with/slash", "short", "room name!", "../../etc"}) {
            assertThatThrownBy(() -> hsBroker.jitsiInvitation(bad, NURSE, NOW.plusSeconds(600)))
                    .isInstanceOfSatisfying(VideoException.class,
                            e -> assertThat(e.code()).isEqualTo(VideoException.REQUEST_INVALID));
        }
    }

    @Test
    void participantWithoutIdOrNameIsRefused() {
        assertThatThrownBy(() -> new JitsiParticipant(" ", "Name", null, false))
                .isInstanceOf(VideoException.class).hasMessageContaining("user id");
        assertThatThrownBy(() -> new JitsiParticipant("nurse1", null, null, false))
                .isInstanceOf(VideoException.class).hasMessageContaining("display name");
    }

    private static VideoBroker broker(JitsiConfig jitsi) {
        return new VideoBroker(VideoConfig.stunOnly(List.of("stun:stun.example.org:3478")).withJitsi(jitsi), CLOCK);
    }

    private static JWTVerifier verifier(Algorithm algorithm, String room, Clock clock) {
        return ((JWTVerifier.BaseVerification) JWT.require(algorithm)
                .withIssuer(APP_ID)
                .withAudience("jitsi")
                .withSubject("meet.example.org")
                .withClaim("room", room)
                .withClaimPresence("exp")
                .withClaimPresence("nbf"))
                .build(clock);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> user(DecodedJWT jwt) {
        return (Map<String, Object>) jwt.getClaim("context").asMap().get("user");
    }
}
