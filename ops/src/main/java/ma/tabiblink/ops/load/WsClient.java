package ma.tabiblink.ops.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Netty WebSocket client: one event loop group shared by every connection of the run. */
final class WsClient implements AutoCloseable {

    private static final int MAX_HANDSHAKE_RESPONSE_BYTES = 16 * 1024;
    private static final int MAX_FRAME_BYTES = 256 * 1024;
    private static final long HANDSHAKE_TIMEOUT_MILLIS = 15_000;
    private static final int CONNECT_TIMEOUT_MILLIS = 15_000;

    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelType;

    /** Uses epoll where Netty's native transport loads (Linux), NIO elsewhere. */
    WsClient(int threads) {
        boolean epoll = Epoll.isAvailable();
        this.group = new MultiThreadIoEventLoopGroup(threads, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.channelType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /**
     * Opens a WebSocket; the future completes when the handshake is done (the sink has then seen {@code onOpen}),
     * or fails with a {@link LoadException} saying why.
     */
    CompletableFuture<Link> connect(URI uri, String bearerToken, FrameSink sink) {
        return connect(uri, null, bearerToken, sink);
    }

    /**
     * As {@link #connect(URI, String, FrameSink)}, from the local address {@code source} when not null (port 0: the
     * kernel picks one for that address only, so each source address has a whole ephemeral port range).
     */
    CompletableFuture<Link> connect(URI uri, InetSocketAddress source, String bearerToken, FrameSink sink) {
        CompletableFuture<Link> opened = new CompletableFuture<>();
        HttpHeaders headers = new DefaultHttpHeaders();
        if (bearerToken != null) {
            headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + bearerToken);
        }
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .customHeaders(headers)
                .generateOriginHeader(false)
                .maxFramePayloadLength(MAX_FRAME_BYTES)
                .handshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MILLIS)
                .handleCloseFrames(false)
                .dropPongFrames(true)
                .build();
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(channelType)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline p = ch.pipeline();
                        p.addLast(new HttpClientCodec());
                        p.addLast(new HttpObjectAggregator(MAX_HANDSHAKE_RESPONSE_BYTES));
                        p.addLast(new WebSocketClientProtocolHandler(config));
                        p.addLast(new SinkHandler(sink, opened));
                    }
                });
        if (source != null && channelType == EpollSocketChannel.class) {
            // Without it, bind() picks the port before the remote end is known, from one range shared by all
            // local addresses.
            bootstrap.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
        }
        ChannelFuture connecting = source == null
                ? bootstrap.connect(uri.getHost(), port)
                : bootstrap.connect(new InetSocketAddress(uri.getHost(), port), source);
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                opened.completeExceptionally(new LoadException("CONNECT_FAILED",
                        "cannot connect to " + uri.getHost() + ":" + port + ": " + f.cause().getMessage()));
            }
        });
        return opened;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static final class SinkHandler extends SimpleChannelInboundHandler<WebSocketFrame> {

        private final FrameSink sink;
        private final CompletableFuture<Link> opened;
        private int closeCode = -1;
        private String closeReason = "";

        SinkHandler(FrameSink sink, CompletableFuture<Link> opened) {
            this.sink = sink;
            this.opened = opened;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                Link link = new Link(ctx.channel());
                sink.onOpen(link);
                opened.complete(link);
            } else if (evt == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                opened.completeExceptionally(new LoadException("HANDSHAKE_TIMEOUT", "WebSocket handshake timed out"));
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof TextWebSocketFrame) {
                ByteBuf content = frame.content();
                sink.onText(content);
            } else if (frame instanceof CloseWebSocketFrame close) {
                closeCode = close.statusCode();
                closeReason = close.reasonText();
                Channel channel = ctx.channel();
                channel.writeAndFlush(new CloseWebSocketFrame(close.statusCode() < 0 ? 1000 : close.statusCode(), ""))
                        .addListener(f -> channel.close());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            opened.completeExceptionally(new LoadException("CLOSED_BEFORE_OPEN",
                    "connection closed before the WebSocket handshake completed"));
            if (opened.isDone() && !opened.isCompletedExceptionally()) {
                sink.onClose(closeCode, closeReason);
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            String message = cause instanceof WebSocketClientHandshakeException
                    ? "WebSocket handshake refused: " + cause.getMessage()
                    : cause.getClass().getSimpleName() + ": " + cause.getMessage();
            opened.completeExceptionally(new LoadException("CONNECTION_ERROR", message));
            ctx.close();
        }
    }
}
