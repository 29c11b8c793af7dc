package ma.tabiblink.signaling.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

/**
 * Netty's WebSocket protocol stage, which also notes when its connection last delivered something (every frame, pongs
 * and pings included, any other HTTP request, and the upgrade request once its handshake completes), and puts the
 * fragment aggregator behind itself when the connection's first fragmented message begins.
 * <p>
 * The node's {@link ConnectionSweep} reads the notes; two longs here cost far less than an idle-state stage and its
 * timers on every connection. Most clients never fragment a message: they do not pay for an aggregator stage either.
 */
final class ReadStampingWebSocketHandler extends WebSocketServerProtocolHandler {

    static final String FRAGMENTS = "fragments";

    /** The most a fragmented message may add up to; past it the connection is closed. */
    private final int maxFragmentedBytes;
    /** Written on the connection's network thread at each read, read by the sweep and the session worker. */
    private volatile long lastReadNanos = System.nanoTime();
    /** When the sweep last had this connection seen to; touched by the sweep's thread only. */
    private long lastSeenToNanos = lastReadNanos;

    ReadStampingWebSocketHandler(WebSocketServerProtocolConfig config, int maxFragmentedBytes) {
        super(config);
        this.maxFragmentedBytes = maxFragmentedBytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        lastReadNanos = System.nanoTime();
        if (msg instanceof WebSocketFrame frame && !frame.isFinalFragment() && ctx.pipeline().get(FRAGMENTS) == null) {
            ctx.pipeline().addAfter(ctx.name(), FRAGMENTS, new WebSocketFrameAggregator(maxFragmentedBytes));
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof HandshakeComplete) {
            // the upgrade request is read by the handshake stage in front of this one
            lastReadNanos = System.nanoTime();
        }
        super.userEventTriggered(ctx, evt);
    }

    /** How long nothing has been read, in milliseconds. */
    long quietMillis() {
        return (System.nanoTime() - lastReadNanos) / 1_000_000;
    }

    /**
     * Whether the sweep should have this connection seen to now: nothing read for a check period, and a check period
     * gone by since it was last seen to. Called by the sweep's thread only.
     */
    boolean dueForQuietCheck(long nowNanos, long periodNanos) {
        if (nowNanos - lastReadNanos < periodNanos || nowNanos - lastSeenToNanos < periodNanos) {
            return false;
        }
        lastSeenToNanos = nowNanos;
        return true;
    }
}
