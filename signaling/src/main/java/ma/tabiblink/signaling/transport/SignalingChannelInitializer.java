package ma.tabiblink.signaling.transport;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.util.concurrent.EventExecutorGroup;
import ma.tabiblink.signaling.SignalingConfig;
import ma.tabiblink.signaling.call.Calls;
import ma.tabiblink.signaling.protocol.MessageCodec;

/** The pipeline of a signalling connection, one stage per line. */
public final class SignalingChannelInitializer extends ChannelInitializer<SocketChannel> {

    /** The handshake is a GET without a body; anything bigger is not a WebSocket client. */
    private static final int MAX_HANDSHAKE_BYTES = 16 * 1024;
    private static final long HANDSHAKE_TIMEOUT_MS = 10_000;
    /**
     * The WebSocket layer cuts off frames at this multiple of the configured limit (close 1009 without a message);
     * frames between the limit and the cut-off are answered with FRAME_TOO_LARGE before the close.
     */
    private static final int HARD_CAP_FACTOR = 2;

    private final SignalingConfig config;
    private final NodeConnections connections;
    private final Calls calls;
    private final MessageCodec codec;
    private final EventExecutorGroup sessionExecutors;
    private final WebSocketServerProtocolConfig webSocket;

    public SignalingChannelInitializer(SignalingConfig config, NodeConnections connections, Calls calls,
                                       MessageCodec codec, EventExecutorGroup sessionExecutors) {
        this.config = config;
        this.connections = connections;
        this.calls = calls;
        this.codec = codec;
        this.sessionExecutors = sessionExecutors;
        this.webSocket = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(config.path())
                .checkStartsWith(true)
                .handshakeTimeoutMillis(HANDSHAKE_TIMEOUT_MS)
                .handleCloseFrames(false)
                .decoderConfig(WebSocketDecoderConfig.newBuilder()
                        .maxFramePayloadLength(HARD_CAP_FACTOR * config.maxFrameBytes())
                        .build())
                .build();
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        config.tls().ifPresent(tls -> p.addLast("tls", tls.newHandler(ch.alloc())));
        p.addLast("http", new HttpServerCodec());
        p.addLast("handshake", new HttpObjectAggregator(MAX_HANDSHAKE_BYTES));
        // puts a fragment aggregator with the same cap behind itself ("fragments") when a first fragment arrives
        ReadStampingWebSocketHandler webSocketStage = new ReadStampingWebSocketHandler(webSocket,
                HARD_CAP_FACTOR * config.maxFrameBytes());
        p.addLast("websocket", webSocketStage);
        p.addLast("protocol", new ProtocolDecoder(codec, config.maxFrameBytes(),
                config.maxMessagesPerSecond(), config.messageBurst()));
        InlineRelay inlineRelay = new InlineRelay(calls.established()::relayHere, connections::observer);
        p.addLast("relay", inlineRelay);
        p.addLast(sessionExecutors, "session", new SessionHandler(config, connections, calls, inlineRelay,
                webSocketStage));
    }
}
