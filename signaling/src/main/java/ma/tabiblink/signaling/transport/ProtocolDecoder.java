package ma.tabiblink.signaling.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.util.concurrent.FastThreadLocal;
import ma.tabiblink.signaling.protocol.ErrorCode;
import ma.tabiblink.signaling.protocol.Message;
import ma.tabiblink.signaling.protocol.MessageCodec;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Turns inbound WebSocket text frames into {@link MessageCodec.Decoded} messages, enforcing the per-connection
 * message size and rate. Binary frames become an error; plain HTTP requests to other paths get 404.
 */
final class ProtocolDecoder extends MessageToMessageDecoder<Object> {

    /** Emitted once when the connection exceeds its message rate; nothing is decoded after it. */
    static final Object RATE_LIMITED = new Object();
    /** Emitted for a message above the size limit; the connection is then closed with 1009. */
    static final Object TOO_LARGE = new Object();

    /**
     * Where a frame in direct memory is copied to be read, one per network thread: decoding keeps nothing of the
     * bytes it reads, so a copy per message would only be garbage.
     */
    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[4096];
        }
    };

    private final MessageCodec codec;
    private final int maxBytes;
    private final RateLimiter limiter;
    private boolean limited;

    ProtocolDecoder(MessageCodec codec, int maxBytes, double perSecond, int burst) {
        this.codec = codec;
        this.maxBytes = maxBytes;
        this.limiter = new RateLimiter(perSecond, burst, System.nanoTime());
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, Object msg, List<Object> out) {
        if (msg instanceof FullHttpRequest) {
            DefaultFullHttpResponse notFound = new DefaultFullHttpResponse(((FullHttpRequest) msg).protocolVersion(),
                    HttpResponseStatus.NOT_FOUND, Unpooled.copiedBuffer("not found\n", StandardCharsets.UTF_8));
            notFound.headers().set(HttpHeaderNames.CONTENT_LENGTH, notFound.content().readableBytes());
            ctx.writeAndFlush(notFound).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (msg instanceof CloseWebSocketFrame close) {
            out.add(close.retain());
            return;
        }
        if (limited || Connections.closing(ctx.channel())) {
            return;
        }
        if (!limiter.tryAcquire(System.nanoTime())) {
            limited = true;
            out.add(RATE_LIMITED);
            return;
        }
        if (msg instanceof TextWebSocketFrame text) {
            if (text.content().readableBytes() > maxBytes) {
                limited = true;
                out.add(TOO_LARGE);
                return;
            }
            ByteBuf utf8 = text.content();
            int length = utf8.readableBytes();
            if (utf8.hasArray()) {
                out.add(codec.decode(utf8.array(), utf8.arrayOffset() + utf8.readerIndex(), length));
            } else {
                byte[] copy = scratch(length);
                utf8.getBytes(utf8.readerIndex(), copy, 0, length);
                out.add(codec.decode(copy, 0, length));
            }
        } else if (msg instanceof BinaryWebSocketFrame) {
            out.add(new MessageCodec.Decoded(null, new Message.Error(null, ErrorCode.BINARY_NOT_SUPPORTED.name(),
                    "only JSON text frames are understood")));
        }
    }

    private static byte[] scratch(int length) {
        byte[] scratch = SCRATCH.get();
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, 2 * scratch.length)];
            SCRATCH.set(scratch);
        }
        return scratch;
    }
}
