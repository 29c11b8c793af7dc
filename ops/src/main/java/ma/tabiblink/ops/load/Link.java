package ma.tabiblink.ops.load;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/** The sending side of one open client WebSocket connection. */
final class Link {

    private final Channel channel;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    Link(Channel channel) {
        this.channel = channel;
        channel.closeFuture().addListener(f -> closed.complete(null));
    }

    void send(String json) {
        send(json.getBytes(StandardCharsets.UTF_8));
    }

    void send(byte[] utf8) {
        channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(utf8)), channel.voidPromise());
    }

    /** Stops reading from the socket: the server's writes to this connection pile up (a slow consumer). */
    void pauseReading() {
        channel.config().setAutoRead(false);
    }

    void resumeReading() {
        channel.config().setAutoRead(true);
    }

    boolean isWritable() {
        return channel.isWritable();
    }

    EventLoop eventLoop() {
        return channel.eventLoop();
    }

    boolean isOpen() {
        return channel.isActive();
    }

    CompletableFuture<Void> closed() {
        return closed;
    }

    /** Sends a normal close frame, then closes the socket whatever the peer does. */
    CompletableFuture<Void> close() {
        if (channel.isActive()) {
            channel.writeAndFlush(new CloseWebSocketFrame(1000, "bye")).addListener(f -> channel.close());
        }
        return closed;
    }
}
