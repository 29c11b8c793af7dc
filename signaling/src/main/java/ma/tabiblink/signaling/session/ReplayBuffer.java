package ma.tabiblink.signaling.session;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The last messages a session was sent, kept for a resume, oldest dropped first past a count or a size in bytes.
 * They live as one byte stream over fixed-size chunks rather than as an object each: a busy call keeps hundreds of
 * messages for many seconds, and as objects every young garbage collection copied them until they were promoted.
 * The stream grows a chunk at a time, so nothing kept is ever copied to make room, and the chunk the oldest
 * messages leave is reused for the newest: once a session's buffer is full, keeping a message allocates nothing.
 * Each entry is the sequence number (8 bytes), the length (4 bytes), then the UTF-8 JSON; entries run on across
 * chunk boundaries. Not thread-safe: the owning {@link Session} locks.
 */
final class ReplayBuffer {

    private static final int HEADER = Long.BYTES + Integer.BYTES;
    /**
     * A few ICE candidates: a session that keeps one or two messages (a presence, a refreshed token) stays small, and
     * a busy one's chunks cost a few percent of its buffer in array headers and chunk references.
     */
    private static final int CHUNK_SHIFT = 9;
    static final int CHUNK_BYTES = 1 << CHUNK_SHIFT;
    private static final int CHUNK_MASK = CHUNK_BYTES - 1;

    private final int maxMessages;
    private final int maxBytes;
    /** The chunks in stream order, as a ring: chunk {@code i} is {@code ring[(first + i) & (ring.length - 1)]}. */
    private byte[][] ring = new byte[0][];
    private int first;
    private int chunks;
    /** The chunk the oldest messages last left, kept for the next one the newest need. */
    private byte[] spare;
    /** Where the oldest entry starts in the first chunk. */
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
            dropOldest();
        }
        int at = head + used;
        while (at + size > chunks << CHUNK_SHIFT) {
            appendChunk();
        }
        writeInt(at, (int) (seq >>> 32));
        writeInt(at + Integer.BYTES, (int) seq);
        writeInt(at + Long.BYTES, json.length);
        copy(json, at + HEADER, true);
        used += size;
        count++;
    }

    /** The kept messages, oldest first. */
    List<Session.Sent> messages() {
        List<Session.Sent> out = new ArrayList<>(count);
        int at = head;
        for (int i = 0; i < count; i++) {
            long seq = ((long) readInt(at) << 32) | (readInt(at + Integer.BYTES) & 0xFFFFFFFFL);
            byte[] json = new byte[readInt(at + Long.BYTES)];
            copy(json, at + HEADER, false);
            out.add(new Session.Sent(seq, new String(json, StandardCharsets.UTF_8)));
            at += HEADER + json.length;
        }
        return out;
    }

    int size() {
        return count;
    }

    /** Chunks held, the spare included. */
    int chunksHeld() {
        return chunks + (spare == null ? 0 : 1);
    }

    private void dropOldest() {
        int size = HEADER + readInt(head + Long.BYTES);
        head += size;
        used -= size;
        count--;
        while (head >= CHUNK_BYTES) {
            spare = ring[first];
            ring[first] = null;
            first = (first + 1) & (ring.length - 1);
            chunks--;
            head -= CHUNK_BYTES;
        }
    }

    private void appendChunk() {
        if (chunks == ring.length) {
            byte[][] grown = new byte[Math.max(4, ring.length * 2)][];
            for (int i = 0; i < chunks; i++) {
                grown[i] = chunk(i);
            }
            ring = grown;
            first = 0;
        }
        ring[(first + chunks) & (ring.length - 1)] = spare != null ? spare : new byte[CHUNK_BYTES];
        spare = null;
        chunks++;
    }

    private byte[] chunk(int index) {
        return ring[(first + index) & (ring.length - 1)];
    }

    /** Copies {@code bytes} into the stream at {@code at}, or out of it when {@code into} is false. */
    private void copy(byte[] bytes, int at, boolean into) {
        int done = 0;
        while (done < bytes.length) {
            int position = at + done;
            int offset = position & CHUNK_MASK;
            int length = Math.min(bytes.length - done, CHUNK_BYTES - offset);
            byte[] chunk = chunk(position >>> CHUNK_SHIFT);
            if (into) {
                System.arraycopy(bytes, done, chunk, offset, length);
            } else {
                System.arraycopy(chunk, offset, bytes, done, length);
            }
            done += length;
        }
    }

    private int readInt(int at) {
        int v = 0;
        for (int i = 0; i < Integer.BYTES; i++) {
            int position = at + i;
            v = (v << 8) | (chunk(position >>> CHUNK_SHIFT)[position & CHUNK_MASK] & 0xFF);
        }
        return v;
    }

    private void writeInt(int at, int v) {
        for (int i = 0; i < Integer.BYTES; i++) {
            int position = at + i;
            chunk(position >>> CHUNK_SHIFT)[position & CHUNK_MASK] = (byte) (v >>> (8 * (Integer.BYTES - 1 - i)));
        }
    }
}
