package ma.tabiblink.signaling.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class TurnCredentialsTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final String SECRET = "north-african-turn-secret";
    private static final List<String> STUN = List.of("stun:turn.example.org:3478");
    private static final List<String> TURN = List.of(
            "turn:turn.example.org:3478?transport=udp",
            "turn:turn.example.org:3478?transport=tcp",
            "turns:turn.example.org:443?transport=tcp");

    private final VideoConfig config = VideoConfig.stunOnly(STUN).withTurn(TURN, SECRET)
            .withTurnCredentialTtl(Duration.ofMinutes(45));
    private final VideoBroker broker = new VideoBroker(config, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void turnPasswordIsBase64HmacSha1OfTheUsernameUnderTheSharedSecret() throws Exception {
        IceServer turn = turnEntry(broker.peerToPeer("nurse1"));

        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        String expected = Base64.getEncoder().encodeToString(mac.doFinal(turn.username().getBytes(StandardCharsets.UTF_8)));

        assertThat(turn.credential()).isEqualTo(expected);
    }

    @Test
    void turnUsernameIsExpiryInUnixSecondsColonUserIdAndExpiresOneTtlFromNow() {
        IceServer turn = turnEntry(broker.peerToPeer("dr.cardio"));

        String[] parts = turn.username().split(":", 2);
        assertThat(parts[1]).isEqualTo("dr.cardio");
        long expiry = Long.parseLong(parts[0]);
        assertThat(expiry).isEqualTo(NOW.getEpochSecond() + Duration.ofMinutes(45).toSeconds());
        assertThat(Instant.ofEpochSecond(expiry)).isAfter(NOW);
    }

    @Test
    void stunEntryCarriesNoCredentialsAndTurnEntryListsEveryTransport() {
        PeerToPeerConfig p2p = broker.peerToPeer("nurse1");

        assertThat(p2p.iceServers()).hasSize(2);
        IceServer stun = p2p.iceServers().get(0);
        assertThat(stun.urls()).containsExactlyElementsOf(STUN);
        assertThat(stun.username()).isNull();
        assertThat(stun.credential()).isNull();
        assertThat(turnEntry(p2p).urls()).containsExactlyElementsOf(TURN);
        assertThat(p2p.iceTransportPolicy()).isEqualTo("all");
    }

    @Test
    void eachParticipantGetsACredentialOfTheirOwn() {
        IceServer nurse = turnEntry(broker.peerToPeer("nurse1"));
        IceServer specialist = turnEntry(broker.peerToPeer("dr.cardio"));

        assertThat(nurse.username()).isNotEqualTo(specialist.username());
        assertThat(nurse.credential()).isNotEqualTo(specialist.credential());
    }

    @Test
    void relayPolicyIsPassedToTheBrowser() {
        VideoBroker relayOnly = new VideoBroker(config.withIceTransportPolicy("relay"), Clock.fixed(NOW, ZoneOffset.UTC));

        assertThat(relayOnly.peerToPeer("nurse1").iceTransportPolicy()).isEqualTo("relay");
    }

    @Test
    void stunOnlyConfigurationGivesNoTurnEntry() {
        VideoBroker stunOnly = new VideoBroker(VideoConfig.stunOnly(STUN), Clock.fixed(NOW, ZoneOffset.UTC));

        PeerToPeerConfig p2p = stunOnly.peerToPeer("nurse1");

        assertThat(p2p.iceServers()).singleElement().satisfies(s -> assertThat(s.hasCredentials()).isFalse());
    }

    @Test
    void userIdThatWouldBreakTheRestUsernameIsRefusedWithAClearError() {
        assertThatThrownBy(() -> broker.peerToPeer("evil:9999999999"))
                .isInstanceOfSatisfying(VideoException.class,
                        e -> assertThat(e.code()).isEqualTo(VideoException.REQUEST_INVALID))
                .hasMessageContaining("':'");
        assertThatThrownBy(() -> broker.peerToPeer(" "))
                .isInstanceOf(VideoException.class);
    }

    @Test
    void credentialIsHiddenWhenTheIceServerIsPrinted() {
        IceServer turn = turnEntry(broker.peerToPeer("nurse1"));

        assertThat(turn.toString()).doesNotContain(turn.credential()).contains("***");
    }

    private static IceServer turnEntry(PeerToPeerConfig p2p) {
        return p2p.iceServers().stream().filter(IceServer::hasCredentials).findFirst().orElseThrow();
    }
}
