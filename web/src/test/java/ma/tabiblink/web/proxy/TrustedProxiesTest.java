package ma.tabiblink.web.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class TrustedProxiesTest {

    private final TrustedProxies proxies = TrustedProxies.parse("127.0.0.1, ::1, 10.0.0.0/8, 172.16.0.0/12");

    @Test
    void aRequestFromAnUntrustedPeerIsItsOwnClientWhateverItClaims() {
        assertThat(proxies.clientAddress("198.51.100.9", List.of("203.0.113.7"))).isEqualTo("198.51.100.9");
        assertThat(TrustedProxies.parse("").clientAddress("127.0.0.1", List.of("203.0.113.7"))).isEqualTo("127.0.0.1");
    }

    @Test
    void theClientIsTheRightmostAddressThatIsNotATrustedProxy() {
        assertThat(proxies.clientAddress("127.0.0.1", List.of("203.0.113.7"))).isEqualTo("203.0.113.7");
        // a client's own made-up entries sit to the left of what the proxies appended
        assertThat(proxies.clientAddress("10.1.2.3", List.of("192.0.2.1, 203.0.113.7, 172.17.0.1"))).isEqualTo("203.0.113.7");
        assertThat(proxies.clientAddress("10.1.2.3", List.of("192.0.2.1", "203.0.113.7"))).isEqualTo("203.0.113.7");
        assertThat(proxies.clientAddress("0:0:0:0:0:0:0:1", List.of("2001:db8::7"))).isEqualTo("2001:db8:0:0:0:0:0:7");
        assertThat(proxies.clientAddress("127.0.0.1", List.of("10.0.0.5"))).isEqualTo("10.0.0.5");
    }

    @Test
    void somethingThatIsNotAnAddressStopsTheWalkAtTheLastTrustedHop() {
        assertThat(proxies.clientAddress("127.0.0.1", List.of("evil.example.org"))).isEqualTo("127.0.0.1");
        assertThat(proxies.clientAddress("127.0.0.1", List.of("203.0.113.7, 999.1.1.1, 10.0.0.9"))).isEqualTo("10.0.0.9");
    }

    @Test
    void aBadSettingIsRefusedWithTheEntryNamed() {
        assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/33")).hasMessageContaining("10.0.0.0/33");
        assertThatThrownBy(() -> TrustedProxies.parse("proxy.local")).hasMessageContaining("proxy.local");
    }
}
