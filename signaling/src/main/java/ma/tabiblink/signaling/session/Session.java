package ma.tabiblink.signaling.session;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import ma.tabiblink.signaling.auth.Identity;
import ma.tabiblink.signaling.protocol.MessageCodec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One logical client session: its identity, its sequence counter and the recent messages it was sent (for resume).
 * A session outlives its connection: when the connection drops it is parked in Redis and may be attached to a new
 * connection, on this node or another.
 */
public final class Session {

    private enum State { ATTACHED, SUSPENDED, DETACHED }

    private final String id;
    private final String secretHash;
    private final int replayLimit;
    private final long outboundHardLimit;
    private final Runnable onSlowConsumer;
    private volatile Identity identity;

    private Channel channel;
    private State state = State.DETACHED;
    private long seq;
    private ArrayDeque<Sent> recent;

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

    /**
     * @param outboundHardLimit bytes waiting to be written past which the client is dropped at once as too slow
     * @param onSlowConsumer    run (once) when that happens
     */
    public Session(String id, String secretHash, Identity identity, int replayLimit, long outboundHardLimit,
                   Runnable onSlowConsumer) {
        this.id = id;
        this.secretHash = secretHash;
        this.identity = identity;
        this.replayLimit = replayLimit;
        this.outboundHardLimit = outboundHardLimit;
        this.onSlowConsumer = onSlowConsumer;
    }

    public String id() {
        return id;
    }

    public String secretHash() {
        return secretHash;
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
    }

    /**
     * Sends server-message JSON (without seq). Returns false when the session has no connection here any more; the
     * caller then hands the message to Redis.
     */
    public synchronized boolean send(String json) {
        if (state == State.DETACHED) {
            return false;
        }
        push(new Sent(++seq, json));
        return true;
    }

    /** Sends a message that keeps the sequence number it had before a resume. */
    public synchronized void replay(Sent message) {
        if (state != State.DETACHED) {
            push(message);
        }
    }

    private void push(Sent message) {
        if (recent == null) {
            recent = new ArrayDeque<>();
        }
        recent.addLast(message);
        if (recent.size() > replayLimit) {
            recent.removeFirst();
        }
        if (state == State.ATTACHED) {
            if (!channel.isWritable() && channel.bytesBeforeWritable() > outboundHardLimit) {
                state = State.SUSPENDED;
                onSlowConsumer.run();
                return;
            }
            channel.writeAndFlush(new TextWebSocketFrame(MessageCodec.withSeq(message.json(), message.seq())),
                    channel.voidPromise());
        }
    }

    /** Stops writing to the connection (it is being closed) but keeps recording what would have been sent. */
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
            recent.forEach(m -> outbox.add(m.stored()));
        }
        Parked parked = new Parked(seq, outbox);
        action.park(parked);
        state = State.DETACHED;
        channel = null;
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
