package ma.tabiblink.signaling.session;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The last messages a session was sent, kept for a resume, oldest dropped first past a count or a size in bytes.
 * They live in one circular byte array rather than as an object each: a busy call keeps hundreds of messages for many
 * seconds, and as objects every young garbage collection copied them until they were promoted, which made relay
 * pauses long. Each entry is the sequence number (8 bytes), the length (4 bytes), then the UTF-8 JSON.
 * Not thread-safe: the owning {@link Session} locks.
 */
final class ReplayBuffer {

    private static final int HEADER = Long.BYTES + Integer.BYTES;
    /**
     * Room for a couple of small messages: most sessions are idle connections, which keep nothing but the pongs to
     * their heartbeat pings (about 40 bytes each with the header), and every byte here is paid once per connection.
     */
    private static final int INITIAL_CAPACITY = 64;

    private final int maxMessages;
    private final int maxBytes;
    private byte[] data = new byte[0];
    private int head;
    private int used;
    private int count;

    /** {@code maxBytes} counts each message's JSON plus 12 bytes; the newest message is always kept. */
    ReplayBuffer(int maxMessages, int maxBytes) {
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
    }

    void add(long seq, byte[] json) {
        int size = HEADER + json.length;
        while (count > 0 && (count >= maxMessages || (long) used + size > maxBytes)) {
            int length = readInt(wrap(head + Long.BYTES));
            head = wrap(head + HEADER + length);
            used -= HEADER + length;
            count--;
        }
        ensureCapacity(used + size);
        int tail = wrap(head + used);
        writeInt(tail, (int) (seq >>> 32));
        writeInt(wrap(tail + Integer.BYTES), (int) seq);
        writeInt(wrap(tail + Long.BYTES), json.length);
        put(wrap(tail + HEADER), json);
        used += size;
        count++;
    }

    /** The kept messages, oldest first. */
    List<Session.Sent> messages() {
        List<Session.Sent> out = new ArrayList<>(count);
        int at = head;
        for (int i = 0; i < count; i++) {
            long seq = ((long) readInt(at) << 32) | (readInt(wrap(at + Integer.BYTES)) & 0xFFFFFFFFL);
            int length = readInt(wrap(at + Long.BYTES));
            byte[] json = new byte[length];
            get(wrap(at + HEADER), json);
            out.add(new Session.Sent(seq, new String(json, StandardCharsets.UTF_8)));
            at = wrap(at + HEADER + length);
        }
        return out;
    }

    int size() {
        return count;
    }

    private int wrap(int position) {
        return position >= data.length ? position - data.length : position;
    }

    /**
     * Grows the array to a quarter more than needed, up to the byte limit (or the one message above it), keeping
     * entries in order. Not doubling: most sessions stop growing at their message count, and a doubled array would
     * leave up to half of it unused for as long as the session lives.
     */
    private void ensureCapacity(int needed) {
        if (needed <= data.length) {
            return;
        }
        int capacity = Math.max(INITIAL_CAPACITY, needed + needed / 4);
        capacity = Math.min(capacity, Math.max(maxBytes, needed));
        byte[] grown = new byte[capacity];
        int first = Math.min(used, data.length - head);
        System.arraycopy(data, head, grown, 0, first);
        System.arraycopy(data, 0, grown, first, used - first);
        data = grown;
        head = 0;
    }

    private void put(int at, byte[] src) {
        int first = Math.min(src.length, data.length - at);
        System.arraycopy(src, 0, data, at, first);
        System.arraycopy(src, first, data, 0, src.length - first);
    }

    private void get(int at, byte[] dst) {
        int first = Math.min(dst.length, data.length - at);
        System.arraycopy(data, at, dst, 0, first);
        System.arraycopy(data, 0, dst, first, dst.length - first);
    }

    private int readInt(int at) {
        int v = 0;
        for (int i = 0; i < Integer.BYTES; i++) {
            v = (v << 8) | (data[wrap(at + i)] & 0xFF);
        }
        return v;
    }

    private void writeInt(int at, int v) {
        for (int i = 0; i < Integer.BYTES; i++) {
            data[wrap(at + i)] = (byte) (v >>> (8 * (Integer.BYTES - 1 - i)));
        }
    }
}
