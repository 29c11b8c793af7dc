package ma.tabiblink.signaling.session;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ReplayBufferTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void keepsTheNewestMessagesInOrderUpToTheCount() {
        ReplayBuffer buffer = new ReplayBuffer(3, 1 << 20);
        for (long seq = 1; seq <= 5; seq++) {
            buffer.add(seq, utf8("{\"n\":" + seq + "}"));
        }
        assertThat(buffer.messages()).containsExactly(new Session.Sent(3, "{\"n\":3}"),
                new Session.Sent(4, "{\"n\":4}"), new Session.Sent(5, "{\"n\":5}"));
    }

    @Test
    void dropsTheOldestPastTheByteLimitButAlwaysKeepsTheNewest() {
        ReplayBuffer buffer = new ReplayBuffer(100, 100);
        buffer.add(1, utf8("a".repeat(40)));
        buffer.add(2, utf8("b".repeat(40)));
        assertThat(buffer.size()).isEqualTo(1);
        buffer.add(3, utf8("c".repeat(500)));
        assertThat(buffer.messages()).containsExactly(new Session.Sent(3, "c".repeat(500)));
        buffer.add(4, utf8("d"));
        assertThat(buffer.messages()).containsExactly(new Session.Sent(4, "d"));
    }

    @Test
    void survivesWrappingAroundAndGrowingWithTextInAnyScript() {
        Random random = new Random(42);
        ReplayBuffer buffer = new ReplayBuffer(50, 16 * 1024);
        Deque<Session.Sent> expected = new ArrayDeque<>();
        int bytes = 0;
        for (long seq = 1; seq <= 20_000; seq++) {
            String json = "{\"t\":\"" + "مرحبا é ".repeat(random.nextInt(60)) + seq + "\"}";
            int size = 12 + utf8(json).length;
            buffer.add(seq, utf8(json));
            expected.addLast(new Session.Sent(seq, json));
            bytes += size;
            while (expected.size() > 50 || bytes > 16 * 1024) {
                bytes -= 12 + utf8(expected.removeFirst().json()).length;
            }
            if (seq % 997 == 0 || seq > 19_990) {
                assertThat(buffer.messages()).isEqualTo(List.copyOf(expected));
            }
        }
    }
}
