package ma.tabiblink.signaling.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

/**
 * Netty's WebSocket protocol stage, which also notes when its connection last delivered something: every frame
 * (pongs and pings included), any other HTTP request, and the upgrade request once its handshake completes. The node's
 * {@link QuietSweep} reads these notes; two longs here cost far less than an idle-state stage and its timers on every
 * connection.
 */
final class ReadStampingWebSocketHandler extends WebSocketServerProtocolHandler {

    /** Written on the connection's network thread at each read, read by the sweep and the session worker. */
    private volatile long lastReadNanos = System.nanoTime();
    /** When the sweep last had this connection seen to; touched by the sweep's thread only. */
    private long lastSeenToNanos = lastReadNanos;

    ReadStampingWebSocketHandler(WebSocketServerProtocolConfig config) {
        super(config);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        lastReadNanos = System.nanoTime();
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
