package ma.tabiblink.signaling.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import ma.tabiblink.signaling.auth.Identity;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One logical client session: its identity, its sequence counter and the recent messages it was sent (for resume).
 * A session outlives its connection: when the connection drops it is parked in Redis and may be attached to a new
 * connection, on this node or another.
 */
public final class Session {

    private enum State { ATTACHED, SUSPENDED, DETACHED }

    private final String id;
    /** The SHA-256 of the resume secret, as 32 bytes rather than a string of 64 hex digits. */
    private final byte[] secretHash;
    private final int replayLimit;
    private final int replayByteLimit;
    private final long outboundHardLimit;
    private final Runnable onSlowConsumer;
    private volatile Identity identity;

    private Channel channel;
    private State state = State.DETACHED;
    private long seq;
    private ReplayBuffer recent;
    /** Messages sent from other threads, waiting for the connection's network thread to write them, in order. */
    private ArrayDeque<Outgoing> unwritten;
    private boolean writeScheduled;

    /** A message as sent: its sequence number and its JSON without the sequence number. */
    public record Sent(long seq, String json) {
        public String stored() {
            return seq + " " + json;
        }

        public static Sent parse(String stored) {
            int space = stored.indexOf(' ');
            return new Sent(Long.parseLong(stored.substring(0, space)), stored.substring(space + 1));
        }
    }

    /** A message on its way to the connection: its sequence number (0: none) and its UTF-8 JSON without it. */
    private record Outgoing(long seq, byte[] json) {
    }

    /**
     * @param secretHash        the SHA-256 of the resume secret, in hex
     * @param replayLimit       messages kept for a resume
     * @param replayByteLimit   bytes of JSON kept for a resume (plus 12 per message)
     * @param outboundHardLimit bytes waiting to be written past which the client is dropped at once as too slow
     * @param onSlowConsumer    run (once) when that happens
     */
    public Session(String id, String secretHash, Identity identity, int replayLimit, int replayByteLimit,
                   long outboundHardLimit, Runnable onSlowConsumer) {
        this.id = id;
        this.secretHash = HexFormat.of().parseHex(secretHash);
        this.identity = identity;
        this.replayLimit = replayLimit;
        this.replayByteLimit = replayByteLimit;
        this.outboundHardLimit = outboundHardLimit;
        this.onSlowConsumer = onSlowConsumer;
    }

    public String id() {
        return id;
    }

    /** The SHA-256 of the resume secret, in hex. */
    public String secretHash() {
        return HexFormat.of().formatHex(secretHash);
    }

    public Identity identity() {
        return identity;
    }

    public void identity(Identity refreshed) {
        identity = refreshed;
    }

    /** Binds the session to a connection; the next message sent gets {@code lastSeq + 1}. */
    public synchronized void attach(Channel ch, long lastSeq) {
        channel = ch;
        seq = lastSeq;
        state = State.ATTACHED;
        dropUnwritten();
    }

    /**
     * Sends server-message JSON (without seq). Returns false when the session has no connection here any more; the
     * caller then hands the message to Redis.
     */
    public boolean send(String json) {
        return send(json.getBytes(StandardCharsets.UTF_8));
    }

    /** {@link #send(String)} for JSON already in UTF-8; the array is the session's from then on. */
    public synchronized boolean send(byte[] utf8) {
        if (state == State.DETACHED) {
            return false;
        }
        push(++seq, utf8, true);
        return true;
    }

    /**
     * Sends the first message of a connection, numbered like any other but not kept for a resume: whoever resumes
     * this session already had it, since it carries the resume token. Idle connections keep nothing.
     */
    public synchronized void sendFirst(String json) {
        if (state != State.DETACHED) {
            push(++seq, json.getBytes(StandardCharsets.UTF_8), false);
        }
    }

    /**
     * Sends a message without a sequence number, not kept for a resume: an answer that only matters on the connection
     * that asked (a pong). Dropped when the session has no connection here.
     */
    public synchronized void sendUnnumbered(byte[] utf8) {
        if (state != State.DETACHED) {
            push(0, utf8, false);
        }
    }

    /** Sends a message that keeps the sequence number it had before a resume. */
    public synchronized void replay(Sent message) {
        if (state != State.DETACHED) {
            push(message.seq(), message.json().getBytes(StandardCharsets.UTF_8), true);
        }
    }

    private void push(long seq, byte[] utf8, boolean keep) {
        if (keep) {
            if (recent == null) {
                recent = new ReplayBuffer(replayLimit, replayByteLimit);
            }
            recent.add(seq, utf8);
        }
        if (state != State.ATTACHED) {
            return;
        }
        if (!channel.isWritable() && channel.bytesBeforeWritable() > outboundHardLimit) {
            state = State.SUSPENDED;
            dropUnwritten();
            onSlowConsumer.run();
            return;
        }
        Outgoing message = new Outgoing(seq, utf8);
        if (channel.eventLoop().inEventLoop()) {
            writeUnwritten();
            write(message);
            channel.flush();
            return;
        }
        // Netty would queue a write from this thread anyway; queueing it here keeps it behind, never ahead of,
        // a message queued earlier, whichever thread sends next
        if (unwritten == null) {
            unwritten = new ArrayDeque<>();
        }
        unwritten.addLast(message);
        if (!writeScheduled) {
            writeScheduled = true;
            Channel target = channel;
            target.eventLoop().execute(() -> writeScheduled(target));
        }
    }

    private synchronized void writeScheduled(Channel target) {
        if (state != State.DETACHED && channel == target) {
            writeScheduled = false;
            writeUnwritten();
            channel.flush();
        }
    }

    private void writeUnwritten() {
        if (unwritten != null) {
            for (Outgoing m; (m = unwritten.pollFirst()) != null; ) {
                write(m);
            }
            unwritten = null;
        }
    }

    /** Writes the JSON with {@code seq} added as its last field (the JSON always ends with its closing brace). */
    private void write(Outgoing message) {
        byte[] json = message.json();
        if (message.seq() == 0) {
            channel.write(new TextWebSocketFrame(channel.alloc().buffer(json.length).writeBytes(json)),
                    channel.voidPromise());
            return;
        }
        String seqField = ",\"seq\":" + message.seq() + "}";
        ByteBuf frame = channel.alloc().buffer(json.length - 1 + seqField.length());
        frame.writeBytes(json, 0, json.length - 1).writeCharSequence(seqField, StandardCharsets.US_ASCII);
        channel.write(new TextWebSocketFrame(frame), channel.voidPromise());
    }

    /** What was waiting to be written is in {@code recent} too (but for a welcome), so a resume still delivers it. */
    private void dropUnwritten() {
        unwritten = null;
        writeScheduled = false;
    }

    /**
     * Stops writing to the connection (it is being closed, after what was already sent) but keeps recording what would
     * have been sent.
     */
    public synchronized void suspend() {
        if (state == State.ATTACHED) {
            state = State.SUSPENDED;
        }
    }

    public synchronized boolean attachedTo(Channel ch) {
        return state != State.DETACHED && channel == ch;
    }

    /** Snapshot for parking, then detaches: later messages go through Redis. */
    public synchronized Parked detach(ParkAction action) {
        if (state == State.DETACHED) {
            return null;
        }
        List<String> outbox = new ArrayList<>();
        if (recent != null) {
            recent.messages().forEach(m -> outbox.add(m.stored()));
        }
        Parked parked = new Parked(seq, outbox);
        action.park(parked);
        state = State.DETACHED;
        channel = null;
        dropUnwritten();
        recent = null;
        return parked;
    }

    /** What is written to Redis when a session is parked. */
    public record Parked(long seq, List<String> outbox) {
    }

    /** Runs while the session is locked, so no message slips between the snapshot and the park in Redis. */
    @FunctionalInterface
    public interface ParkAction {
        void park(Parked parked);
    }
}
