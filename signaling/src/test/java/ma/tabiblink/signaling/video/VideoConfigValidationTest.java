package ma.tabiblink.signaling.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class VideoConfigValidationTest {

    private static final URI MEET = URI.create("https://meet.example.org");
    private static final String SECRET = "0123456789abcdef0123456789abcdef";
    private static final List<String> TURN = List.of("turn:turn.example.org:3478?transport=udp");

    @Test
    void turnUrlsWithoutASecretAreRefused() {
        assertRefused(() -> new VideoConfig(List.of(), TURN, null, null, null, Optional.empty()),
                "TURN shared secret");
        assertRefused(() -> VideoConfig.stunOnly(List.of()).withTurn(TURN, ""), "TURN shared secret");
    }

    @Test
    void aTurnSecretWithoutTurnUrlsIsRefused() {
        assertRefused(() -> VideoConfig.stunOnly(List.of()).withTurn(List.of(), "s3cret"), "no TURN url");
    }

    @Test
    void malformedOrMisplacedIceUrlsAreRefused() {
        assertRefused(() -> VideoConfig.stunOnly(List.of("http://stun.example.org")), "STUN url");
        assertRefused(() -> VideoConfig.stunOnly(List.of("turn:turn.example.org:3478")), "wrong scheme");
        assertRefused(() -> VideoConfig.stunOnly(List.of("stun:stun.example.org?transport=udp")), "transport");
        assertRefused(() -> VideoConfig.stunOnly(List.of()).withTurn(List.of("stun:x.example.org"), "s"), "wrong scheme");
        assertRefused(() -> VideoConfig.stunOnly(List.of()).withTurn(List.of("turns:t.example.org:443?transport=udp"), "s"),
                "transport is tcp");
        assertRefused(() -> VideoConfig.stunOnly(List.of()).withTurn(List.of("turn:t.example.org:99999"), "s"), "port");
        assertRefused(() -> VideoConfig.stunOnly(List.of()).withTurn(List.of("turn:t.example.org:3478?transport=sctp"), "s"),
                "malformed");
    }

    @Test
    void validIceUrlsOfEveryDocumentedShapeAreAccepted() {
        VideoConfig config = VideoConfig.stunOnly(List.of("stun:stun.example.org", "stun:192.0.2.1:3478", "stun:[2001:db8::1]:3478"))
                .withTurn(List.of("turn:turn.example.org:3478?transport=udp", "turn:turn.example.org:3478?transport=tcp",
                        "turns:turn.example.org:443?transport=tcp", "turns:turn.example.org"), "s3cret");

        assertThat(config.turnUrls()).hasSize(4);
        assertThat(config.stunUrls()).hasSize(3);
    }

    @Test
    void relayPolicyWithoutTurnAndUnknownPoliciesAreRefused() {
        assertRefused(() -> VideoConfig.stunOnly(List.of()).withIceTransportPolicy("relay"), "needs at least one TURN url");
        assertRefused(() -> VideoConfig.stunOnly(List.of()).withIceTransportPolicy("public"), "\"all\" or \"relay\"");
    }

    @Test
    void turnCredentialTtlOutsideItsBoundsIsRefused() {
        VideoConfig base = VideoConfig.stunOnly(List.of()).withTurn(TURN, "s3cret");

        assertRefused(() -> base.withTurnCredentialTtl(Duration.ofSeconds(30)), "TTL");
        assertRefused(() -> base.withTurnCredentialTtl(Duration.ofDays(30)), "TTL");
        assertThat(base.turnCredentialTtl()).isEqualTo(VideoConfig.DEFAULT_TURN_TTL);
    }

    @Test
    void turnCredentialsLiveAtMostOneHour() {
        VideoConfig base = VideoConfig.stunOnly(List.of()).withTurn(TURN, "s3cret");
        assertThat(base.turnCredentialTtl()).isLessThanOrEqualTo(Duration.ofHours(1));
        assertRefused(() -> base.withTurnCredentialTtl(Duration.ofMinutes(61)), "between 5 and 60 minutes");
        assertRefused(() -> base.withTurnCredentialTtl(Duration.ofHours(12)), "TTL");
        java.time.Instant now = java.time.Instant.parse("2026-03-01T09:00:00Z");
        IceServer turn = new VideoBroker(base, java.time.Clock.fixed(now, java.time.ZoneOffset.UTC))
                .peerToPeer("nurse1").iceServers().stream().filter(s -> s.username() != null).findFirst().orElseThrow();
        long expiry = Long.parseLong(turn.username().split(":", 2)[0]);
        assertThat(expiry - now.getEpochSecond()).isPositive().isLessThanOrEqualTo(3600);
    }

    @Test
    void jitsiConfigWithNeitherKeyIsRefused() {
        assertRefused(() -> new JitsiConfig(MEET, "app", null, null, null, null, null, null), "needs a signing key");
    }

    @Test
    void jitsiConfigWithBothKeysIsRefused() throws Exception {
        RSAPrivateKey key = rsaKey(2048);

        assertRefused(() -> new JitsiConfig(MEET, "app", null, null, SECRET, key, "kid", null), "choose one");
    }

    @Test
    void jitsiSecretTooShortForHs256IsRefused() {
        assertRefused(() -> JitsiConfig.hs256(MEET, "app", "short"), "at least 32 bytes");
    }

    @Test
    void jitsiRsaKeyWithoutKidOrTooSmallIsRefused() throws Exception {
        assertRefused(() -> JitsiConfig.rs256(MEET, "app", rsaKey(2048), " "), "kid");
        assertRefused(() -> JitsiConfig.rs256(MEET, "app", rsaKey(1024), "kid"), "2048 bits");
        assertRefused(() -> new JitsiConfig(MEET, "app", null, null, SECRET, null, "kid", null), "kid is only meaningful");
    }

    @Test
    void jitsiBaseUrlMustBeHttpsWithAtMostATenant() {
        assertRefused(() -> JitsiConfig.hs256(URI.create("http://meet.example.org"), "app", SECRET), "https://");
        assertRefused(() -> JitsiConfig.hs256(URI.create("https://meet.example.org/a/b"), "app", SECRET), "one path segment");
        assertRefused(() -> JitsiConfig.hs256(URI.create("https://meet.example.org/?x=1"), "app", SECRET), "query");
        assertRefused(() -> JitsiConfig.hs256(null, "app", SECRET), "TABIB_JITSI_URL");
        assertRefused(() -> JitsiConfig.hs256(MEET, "", SECRET), "TABIB_JITSI_APP_ID");
    }

    @Test
    void jitsiGraceOutsideItsBoundsIsRefused() {
        assertRefused(() -> JitsiConfig.hs256(MEET, "app", SECRET).withGrace(Duration.ofMinutes(-1)), "grace");
        assertRefused(() -> JitsiConfig.hs256(MEET, "app", SECRET).withGrace(Duration.ofHours(7)), "grace");
    }

    @Test
    void jitsiDefaultsAreAudienceJitsiSubjectTheHostAndFifteenMinutesGrace() {
        JitsiConfig jitsi = JitsiConfig.hs256(URI.create("https://Meet.Example.org/"), "app", SECRET);

        assertThat(jitsi.audience()).isEqualTo("jitsi");
        assertThat(jitsi.subject()).isEqualTo("meet.example.org");
        assertThat(jitsi.grace()).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void rsaPrivateKeyIsReadFromPkcs8PemAndGarbageIsRefused() throws Exception {
        KeyPair pair = keyPair(2048);
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";

        assertThat(JitsiConfig.readRsaPrivateKeyPem(pem)).isEqualTo(pair.getPrivate());
        assertRefused(() -> JitsiConfig.readRsaPrivateKeyPem("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n"), "PKCS#8");
        assertRefused(() -> JitsiConfig.readRsaPrivateKeyPem("-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----"),
                "not a readable");
    }

    @Test
    void secretsNeverAppearWhenConfigurationIsPrinted() {
        VideoConfig config = VideoConfig.stunOnly(List.of()).withTurn(TURN, "turn-secret-value")
                .withJitsi(JitsiConfig.hs256(MEET, "app", SECRET));

        assertThat(config.toString()).doesNotContain("turn-secret-value").doesNotContain(SECRET).contains("HS256");
    }

    @Test
    void urlListsFromEnvironmentVariablesAreSplitOnCommasAndSpaces() {
        assertThat(VideoConfig.parseUrlList(" turn:a.example.org:3478?transport=udp, turns:a.example.org:443?transport=tcp "))
                .containsExactly("turn:a.example.org:3478?transport=udp", "turns:a.example.org:443?transport=tcp");
        assertThat(VideoConfig.parseUrlList("  ")).isEmpty();
        assertThat(VideoConfig.parseUrlList(null)).isEmpty();
    }

    private static void assertRefused(ThrowingCallable action, String messagePart) {
        assertThatThrownBy(action)
                .isInstanceOfSatisfying(VideoException.class,
                        e -> assertThat(e.code()).isEqualTo(VideoException.CONFIG_INVALID))
                .hasMessageContaining(messagePart);
    }

    private static RSAPrivateKey rsaKey(int bits) throws Exception {
        return (RSAPrivateKey) keyPair(bits).getPrivate();
    }

    private static KeyPair keyPair(int bits) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(bits);
        return generator.generateKeyPair();
    }
}
