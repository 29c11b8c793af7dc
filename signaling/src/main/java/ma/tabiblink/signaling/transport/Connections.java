package ma.tabiblink.signaling.transport;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.AttributeKey;
import ma.tabiblink.signaling.protocol.CloseCode;

import java.util.concurrent.TimeUnit;

/** How this node closes a connection: a close frame first, then the TCP connection once the client has answered. */
final class Connections {

    private static final long FORCE_CLOSE_MS = 3000;
    private static final AttributeKey<Boolean> CLOSING = AttributeKey.valueOf("tabib.closing");

    private Connections() {
    }

    /**
     * Sends a close frame and then waits for the client's (or {@link #FORCE_CLOSE_MS}) before closing the TCP
     * connection, reading and discarding whatever the client sends meanwhile: closing at once would make the client's
     * system answer its next frames with a reset, which throws away the error and close frame it has not read yet.
     */
    static void closeWith(Channel ch, CloseCode close) {
        ch.attr(CLOSING).set(Boolean.TRUE);
        ch.writeAndFlush(new CloseWebSocketFrame(close.code(), close.reason()));
        ch.eventLoop().schedule(() -> ch.close(), FORCE_CLOSE_MS, TimeUnit.MILLISECONDS);
    }

    /** Whether this node has sent its close frame on the connection. */
    static boolean closing(Channel ch) {
        return ch.hasAttr(CLOSING);
    }
}
