package ma.tabiblink.signaling.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import ma.tabiblink.signaling.protocol.CloseCode;
import ma.tabiblink.signaling.protocol.Message;
import ma.tabiblink.signaling.protocol.MessageCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ProtocolDecoderTest {

    private static final int MAX_BYTES = 64;
    /** So slow that no token comes back while a test runs: only the burst counts. */
    private static final double NO_REFILL = 1e-6;
    private static final String PING = "{\"type\":\"ping\",\"id\":\"p1\"}";

    private EmbeddedChannel channel;

    private EmbeddedChannel channel(int burst) {
        channel = new EmbeddedChannel(new ProtocolDecoder(new MessageCodec(), MAX_BYTES, NO_REFILL, burst));
        return channel;
    }

    @AfterEach
    void releaseWhatIsLeft() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    private static MessageCodec.Decoded decodedError(String code, String message) {
        return new MessageCodec.Decoded(null, new Message.Error(null, code, message));
    }

    @Test
    void aTextFramePassesOnAsTheDecodedMessage() {
        EmbeddedChannel ch = channel(10);

        ch.writeInbound(new TextWebSocketFrame(PING));

        assertThat((Object) ch.readInbound()).isEqualTo(new MessageCodec.Decoded(new Message.Ping("p1"), null));
        assertThat((Object) ch.readInbound()).isNull();
    }

    @Test
    void framesHeldInDirectSlicedOrPartlyReadBuffersAreDecodedFromTheirReadableBytesOnly() {
        EmbeddedChannel ch = channel(10);
        byte[] ping = PING.getBytes(StandardCharsets.UTF_8);
        ByteBuf direct = Unpooled.directBuffer().writeBytes(ping);
        ByteBuf partlyRead = Unpooled.copiedBuffer("####" + PING + "####", StandardCharsets.UTF_8);
        partlyRead.skipBytes(4).writerIndex(4 + ping.length);
        ByteBuf slice = Unpooled.copiedBuffer("####" + PING + "####", StandardCharsets.UTF_8).slice(4, ping.length);
        assertThat(slice.arrayOffset()).isEqualTo(4);

        ch.writeInbound(new TextWebSocketFrame(direct), new TextWebSocketFrame(partlyRead),
                new TextWebSocketFrame(slice));

        MessageCodec.Decoded ping1 = new MessageCodec.Decoded(new Message.Ping("p1"), null);
        assertThat(ch.inboundMessages()).containsExactly(ping1, ping1, ping1);
    }

    @Test
    void aFrameTheCodecRefusesPassesOnAsItsCodedError() {
        EmbeddedChannel ch = channel(10);

        ch.writeInbound(new TextWebSocketFrame("{not json"),
                new TextWebSocketFrame("{\"type\":\"teleport\",\"id\":\"x1\"}"),
                new TextWebSocketFrame("{\"type\":\"call.accept\",\"id\":\"x2\"}"));

        assertThat(ch.inboundMessages()).containsExactly(
                decodedError("MALFORMED_JSON", "the frame is not valid JSON"),
                new MessageCodec.Decoded(null, new Message.Error("x1", "UNKNOWN_TYPE", "unknown message type")),
                new MessageCodec.Decoded(null, new Message.Error("x2", "INVALID_MESSAGE", "callId is required")));
    }

    @Test
    void aBinaryFrameIsAnsweredWithBinaryNotSupportedAndTheConnectionReadsOn() {
        EmbeddedChannel ch = channel(10);

        ch.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(PING.getBytes(StandardCharsets.UTF_8))),
                new TextWebSocketFrame(PING));

        assertThat(ch.inboundMessages()).containsExactly(
                decodedError("BINARY_NOT_SUPPORTED", "only JSON text frames are understood"),
                new MessageCodec.Decoded(new Message.Ping("p1"), null));
    }

    @Test
    void aFrameOfExactlyTheLimitIsDecoded() {
        EmbeddedChannel ch = channel(10);
        String padded = "{\"type\":\"ping\",\"id\":\"" + "a".repeat(MAX_BYTES - 23) + "\"}";
        assertThat(padded.getBytes(StandardCharsets.UTF_8)).hasSize(MAX_BYTES);

        ch.writeInbound(new TextWebSocketFrame(padded));

        assertThat((Object) ch.readInbound())
                .isEqualTo(new MessageCodec.Decoded(new Message.Ping("a".repeat(MAX_BYTES - 23)), null));
    }

    @Test
    void aFrameOverTheLimitInBytesIsReportedTooLargeAndNothingIsDecodedAfterIt() {
        EmbeddedChannel ch = channel(10);
        // 37 characters, but 65 bytes of UTF-8: the limit counts bytes
        String overLimit = "{\"id\":\"" + "é".repeat(28) + "\"}";
        assertThat(overLimit.getBytes(StandardCharsets.UTF_8)).hasSize(MAX_BYTES + 1);

        ch.writeInbound(new TextWebSocketFrame(overLimit), new TextWebSocketFrame(PING),
                new BinaryWebSocketFrame(Unpooled.buffer(1).writeByte(1)));

        assertThat(ch.inboundMessages()).containsExactly(ProtocolDecoder.TOO_LARGE);
    }

    @Test
    void theBurstIsDecodedThenRateLimitedIsReportedOnceAndNothingIsDecodedAfterIt() {
        EmbeddedChannel ch = channel(3);

        for (int i = 1; i <= 6; i++) {
            ch.writeInbound(new TextWebSocketFrame("{\"type\":\"ping\",\"id\":\"m" + i + "\"}"));
        }

        assertThat(ch.inboundMessages()).containsExactly(
                new MessageCodec.Decoded(new Message.Ping("m1"), null),
                new MessageCodec.Decoded(new Message.Ping("m2"), null),
                new MessageCodec.Decoded(new Message.Ping("m3"), null),
                ProtocolDecoder.RATE_LIMITED);
    }

    @Test
    void binaryAndRefusedFramesCountAgainstTheRate() {
        EmbeddedChannel ch = channel(2);

        ch.writeInbound(new BinaryWebSocketFrame(Unpooled.buffer(1).writeByte(1)),
                new TextWebSocketFrame("{not json"), new TextWebSocketFrame(PING));

        assertThat(ch.inboundMessages()).containsExactly(
                decodedError("BINARY_NOT_SUPPORTED", "only JSON text frames are understood"),
                decodedError("MALFORMED_JSON", "the frame is not valid JSON"),
                ProtocolDecoder.RATE_LIMITED);
    }

    @Test
    void aCloseFramePassesOnIntactEvenAfterTheConnectionWasRateLimited() {
        EmbeddedChannel ch = channel(1);
        ch.writeInbound(new TextWebSocketFrame(PING), new TextWebSocketFrame(PING));
        assertThat(ch.inboundMessages()).containsExactly(new MessageCodec.Decoded(new Message.Ping("p1"), null),
                ProtocolDecoder.RATE_LIMITED);
        ch.inboundMessages().clear();
        CloseWebSocketFrame close = new CloseWebSocketFrame(1000, "bye");

        ch.writeInbound(close);

        CloseWebSocketFrame passedOn = ch.readInbound();
        assertThat(passedOn).isSameAs(close);
        assertThat(passedOn.refCnt()).isEqualTo(1);
        assertThat(passedOn.statusCode()).isEqualTo(1000);
        assertThat(passedOn.reasonText()).isEqualTo("bye");
        passedOn.release();
    }

    @Test
    void onceTheServerHasSentItsCloseFrameOnlyTheClientsCloseFrameIsPassedOn() {
        EmbeddedChannel ch = channel(10);
        Connections.closeWith(ch, CloseCode.IDLE_TIMEOUT);
        CloseWebSocketFrame sent = ch.readOutbound();
        assertThat(sent.statusCode()).isEqualTo(CloseCode.IDLE_TIMEOUT.code());
        sent.release();

        ch.writeInbound(new TextWebSocketFrame(PING), new BinaryWebSocketFrame(Unpooled.buffer(1).writeByte(1)),
                new CloseWebSocketFrame(1000, "bye"));

        assertThat(ch.inboundMessages()).singleElement().isInstanceOf(CloseWebSocketFrame.class);
    }

    @Test
    void aPlainHttpRequestIsAnsweredNotFoundAndTheConnectionClosed() {
        EmbeddedChannel ch = channel(10);

        ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/elsewhere"));

        assertThat(ch.inboundMessages()).isEmpty();
        FullHttpResponse response = ch.readOutbound();
        try {
            assertThat(response.status()).isEqualTo(HttpResponseStatus.NOT_FOUND);
            assertThat(response.protocolVersion()).isEqualTo(HttpVersion.HTTP_1_1);
            assertThat(response.content().toString(StandardCharsets.UTF_8)).isEqualTo("not found\n");
            assertThat(response.headers().getInt(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo(10);
        } finally {
            response.release();
        }
        assertThat(ch.isOpen()).isFalse();
    }
}
