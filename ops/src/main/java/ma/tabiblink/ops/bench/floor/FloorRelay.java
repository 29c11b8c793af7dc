package ma.tabiblink.ops.bench.floor;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.NettyRuntime;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The floor of the relay benchmark: a Netty WebSocket server that forwards every frame of a pair's member to the other
 * member, unchanged, with no protocol work at all (no parsing, no authentication, no numbering, nothing kept). The
 * same contract as the Node relay in {@code ops/bench/ws-relay}: clients join a pair with {@code ?pair=<name>}.
 *
 * <pre>java -cp ops/target/tabib-load.jar ma.tabiblink.ops.bench.floor.FloorRelay [port] [host]</pre>
 */
public final class FloorRelay {

    private static final int MAX_HANDSHAKE_BYTES = 16 * 1024;
    private static final int MAX_FRAME_BYTES = 64 * 1024;

    private final ConcurrentHashMap<String, Pair> pairs = new ConcurrentHashMap<>();

    public static void main(String[] args) throws InterruptedException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8092;
        String host = args.length > 1 ? args[1] : "127.0.0.1";
        new FloorRelay().serve(host, port);
    }

    private void serve(String host, int port) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(NettyRuntime.availableProcessors(), EpollIoHandler.newFactory());
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(EpollServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ChannelPipeline p = ch.pipeline();
                            p.addLast("http", new HttpServerCodec());
                            p.addLast("handshake", new HttpObjectAggregator(MAX_HANDSHAKE_BYTES));
                            p.addLast("websocket", new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig
                                    .newBuilder().websocketPath("/").checkStartsWith(true)
                                    .decoderConfig(WebSocketDecoderConfig.newBuilder()
                                            .maxFramePayloadLength(MAX_FRAME_BYTES).build())
                                    .build()));
                            p.addLast("forward", new Forward());
                        }
                    })
                    .bind(host, port).sync().channel();
            System.out.println("floor relay listening on " + host + ":" + port);
            Runtime.getRuntime().addShutdownHook(new Thread(server::close));
            server.closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }

    /** The two members of a pair; a third is refused. */
    private static final class Pair {
        private final List<Channel> members = new CopyOnWriteArrayList<>();

        synchronized boolean join(Channel ch) {
            if (members.size() >= 2) {
                return false;
            }
            members.add(ch);
            return true;
        }

        Channel peerOf(Channel ch) {
            for (Channel member : members) {
                if (member != ch) {
                    return member;
                }
            }
            return null;
        }
    }

    private final class Forward extends SimpleChannelInboundHandler<WebSocketFrame> {
        private Pair pair;
        private String name;

        Forward() {
            super(false);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete hc) {
                List<String> given = new QueryStringDecoder(hc.requestUri()).parameters().get("pair");
                if (given == null || given.isEmpty()) {
                    ctx.writeAndFlush(new CloseWebSocketFrame(4400, "pair query parameter required"));
                    ctx.close();
                    return;
                }
                name = given.get(0);
                Pair joined = pairs.computeIfAbsent(name, n -> new Pair());
                if (!joined.join(ctx.channel())) {
                    ctx.writeAndFlush(new CloseWebSocketFrame(4409, "pair already full"));
                    ctx.close();
                    return;
                }
                pair = joined;
            } else {
                super.userEventTriggered(ctx, evt);
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            Channel peer = pair == null ? null : pair.peerOf(ctx.channel());
            if (peer != null && peer.isActive()) {
                peer.writeAndFlush(frame, peer.voidPromise());
            } else {
                frame.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (pair != null) {
                pair.members.remove(ctx.channel());
                if (pair.members.isEmpty()) {
                    pairs.remove(name, pair);
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
