package ma.tabiblink.signaling.cluster;

import org.junit.jupiter.api.Test;

import javax.crypto.SecretKey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StateCipherTest {

    private static final SecretKey KEY = StateCipher.generateKey();

    @Test
    void whatOneNodeSealsAnotherNodeWithTheSameKeyOpens() {
        StateCipher nodeA = new StateCipher(KEY);
        StateCipher nodeB = new StateCipher(StateCipher.key(KEY.getEncoded()));
        String sealed = nodeA.seal("{\"type\":\"token.refresh\",\"accessToken\":\"eyJ-secret\"}", "msg|s-1");
        assertThat(sealed).startsWith("s1.").doesNotContain("eyJ-secret").doesNotContain("token.refresh");
        assertThat(nodeB.open(sealed, "msg|s-1")).isEqualTo("{\"type\":\"token.refresh\",\"accessToken\":\"eyJ-secret\"}");
        assertThat(nodeA.seal("same text", "msg|s-1")).isNotEqualTo(nodeA.seal("same text", "msg|s-1"));
    }

    @Test
    void aSealedValueDoesNotOpenUnderAnotherKeyForAnotherOwnerOrOnceAltered() {
        StateCipher cipher = new StateCipher(KEY);
        String sealed = cipher.seal("chest pain", "reason|c-1");
        assertThatThrownBy(() -> new StateCipher(StateCipher.generateKey()).open(sealed, "reason|c-1"))
                .isInstanceOf(StateCipher.Unreadable.class);
        assertThatThrownBy(() -> cipher.open(sealed, "reason|c-2")).isInstanceOf(StateCipher.Unreadable.class);
        // Inside the tag, not its last character: unpadded base64 leaves that one's low bits unused, so altering them
        // can leave the bytes as they were.
        int at = sealed.length() - 10;
        char was = sealed.charAt(at);
        String altered = sealed.substring(0, at) + (was == 'A' ? 'B' : 'A') + sealed.substring(at + 1);
        assertThatThrownBy(() -> cipher.open(altered, "reason|c-1")).isInstanceOf(StateCipher.Unreadable.class);
        assertThatThrownBy(() -> cipher.open("chest pain", "reason|c-1")).isInstanceOf(StateCipher.Unreadable.class);
        assertThatThrownBy(() -> StateCipher.key(new byte[16])).isInstanceOf(IllegalArgumentException.class);
    }
}
