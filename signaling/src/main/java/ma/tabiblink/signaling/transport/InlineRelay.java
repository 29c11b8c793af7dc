package ma.tabiblink.signaling.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import ma.tabiblink.signaling.event.SignalingObserver;
import ma.tabiblink.signaling.protocol.Message;
import ma.tabiblink.signaling.protocol.MessageCodec;
import ma.tabiblink.signaling.session.Session;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import java.util.function.Supplier;

/**
 * Relays SDP/ICE messages on the network thread when nothing about them needs Redis: the call is known on this node
 * and the peer is connected here. Everything else goes on to the {@link SessionHandler} on its worker thread.
 * A message is only relayed here while none of the connection's earlier messages is still waiting for the worker, so a
 * connection's messages are always handled in the order they were sent.
 */
final class InlineRelay extends ChannelInboundHandlerAdapter {

    private final BiPredicate<Session, Message.Relayed> relayHere;
    private final Supplier<SignalingObserver> observer;
    private final AtomicInteger withWorker = new AtomicInteger();
    private volatile Session session;

    /**
     * @param relayHere relays a message to the peer when the call is known and the peer connected on this node, or
     *                  answers false having done nothing
     * @param observer  the node's current observer, read at each relay because it may be replaced at any time
     */
    InlineRelay(BiPredicate<Session, Message.Relayed> relayHere, Supplier<SignalingObserver> observer) {
        this.relayHere = relayHere;
        this.observer = observer;
    }

    /** The session of this connection, once authenticated or resumed (called by the worker). */
    void session(Session current) {
        session = current;
    }

    /** The worker has finished with one message handed to it. */
    void handled() {
        withWorker.decrementAndGet();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Session s = session;
        if (s != null && withWorker.get() == 0 && msg instanceof MessageCodec.Decoded decoded
                && decoded.message() instanceof Message.Relayed relayed) {
            long started = System.nanoTime();
            if (relayHere.test(s, relayed)) {
                observer.get().relayed(System.nanoTime() - started);
                return;
            }
        }
        withWorker.incrementAndGet();
        ctx.fireChannelRead(msg);
    }

    /**
     * Not passed on: the session handler has no use for it, and handing it to the worker after every read would wake
     * a worker thread for each relayed message.
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
    }
}
