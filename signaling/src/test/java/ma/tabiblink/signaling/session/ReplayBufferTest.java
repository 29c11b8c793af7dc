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

    @Test
    void messagesLongerThanAChunkRunOnAcrossChunks() {
        ReplayBuffer buffer = new ReplayBuffer(4, 1 << 20);
        Deque<Session.Sent> expected = new ArrayDeque<>();
        for (long seq = 1; seq <= 30; seq++) {
            String json = "{\"t\":\"" + "ⵜⵉⴼⵉⵏⴰⵖ".repeat((int) seq * 40) + "\"}";
            buffer.add(seq, utf8(json));
            expected.addLast(new Session.Sent(seq, json));
            if (expected.size() > 4) {
                expected.removeFirst();
            }
            assertThat(buffer.messages()).isEqualTo(List.copyOf(expected));
        }
    }

    @Test
    void growingAllocatesOnlyTheChunksKeptAndAFullBufferReusesTheChunksItsOldestMessagesLeave() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        byte[] candidate = utf8("{\"type\":\"ice.candidate\",\"callId\":\"c-1\",\"candidate\":{\"candidate\":"
                + "\"candidate:1 1 udp 2122260223 192.168.1.20 54321 typ host generation 0\",\"sdpMid\":\"0\"}}");
        int needed = (512 * (12 + candidate.length) + ReplayBuffer.CHUNK_BYTES - 1) / ReplayBuffer.CHUNK_BYTES;
        new ReplayBuffer(1, 1024).add(0, candidate); // class loading allocates too; not counted

        long before = threads.getCurrentThreadAllocatedBytes();
        ReplayBuffer buffer = new ReplayBuffer(512, 1 << 20);
        for (long seq = 1; seq <= 2_000; seq++) {
            buffer.add(seq, candidate);
        }
        long growing = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(buffer.chunksHeld()).isBetween(needed, needed + 2);
        assertThat(growing).isLessThan((needed + 2) * (ReplayBuffer.CHUNK_BYTES + 16L) + 4096);

        before = threads.getCurrentThreadAllocatedBytes();
        for (long seq = 2_001; seq <= 50_000; seq++) {
            buffer.add(seq, candidate);
        }
        long full = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(full).isLessThan(ReplayBuffer.CHUNK_BYTES);
        assertThat(buffer.chunksHeld()).isBetween(needed, needed + 2);
        List<Session.Sent> kept = buffer.messages();
        assertThat(kept).hasSize(512);
        assertThat(kept.get(0).seq()).isEqualTo(50_000 - 511);
        assertThat(kept.get(511).seq()).isEqualTo(50_000);
    }
}
