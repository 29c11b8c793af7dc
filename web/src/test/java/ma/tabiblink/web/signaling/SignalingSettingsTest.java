package ma.tabiblink.web.signaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import javax.crypto.SecretKey;
import ma.tabiblink.signaling.cluster.StateCipher;
import ma.tabiblink.signaling.transport.NetworkTransport;
import ma.tabiblink.web.config.StartupException;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class SignalingSettingsTest {

    private static final SecretKey KEY = StateCipher.generateKey();

    @Test
    void theTransportIsAutoUnlessSetAndTakesEachNamedTransport() {
        assertThat(SignalingSettings.from(new MockEnvironment(), Set.of(), KEY).transport())
                .isEqualTo(NetworkTransport.AUTO);
        assertThat(SignalingSettings.from(env("io_uring"), Set.of(), KEY).transport())
                .isEqualTo(NetworkTransport.IO_URING);
        assertThat(SignalingSettings.from(env(" EPOLL "), Set.of(), KEY).transport())
                .isEqualTo(NetworkTransport.EPOLL);
        assertThat(SignalingSettings.from(env("nio"), Set.of(), KEY).transport()).isEqualTo(NetworkTransport.NIO);
    }

    @Test
    void anUnknownTransportRefusesToStartAndNamesTheValuesAllowed() {
        assertThatThrownBy(() -> SignalingSettings.from(env("quic"), Set.of(), KEY))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("TABIB_SIGNALING_TRANSPORT")
                .hasMessageContaining("auto, io_uring, epoll or nio")
                .hasMessageContaining("'quic'");
    }

    private static MockEnvironment env(String transport) {
        return new MockEnvironment().withProperty("tabib.signaling.transport", transport);
    }
}
