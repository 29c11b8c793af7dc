package ma.tabiblink.signaling.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReadStampingWebSocketHandlerTest {

    private static final int MAX_FRAGMENTED_BYTES = 16;

    private final EmbeddedChannel channel = new EmbeddedChannel(new ReadStampingWebSocketHandler(
            WebSocketServerProtocolConfig.newBuilder().websocketPath("/signal").build(), MAX_FRAGMENTED_BYTES));

    @AfterEach
    void releaseWhatIsLeft() {
        channel.finishAndReleaseAll();
    }

    /** Hands a frame to the WebSocket stage as the frame decoder in front of it would (past the handshake stage). */
    private void frameArrives(Object frame) {
        ChannelHandlerContext beforeIt = channel.pipeline().context(Utf8FrameValidator.class);
        beforeIt.fireChannelRead(frame);
        channel.runPendingTasks();
    }

    private static ContinuationWebSocketFrame continuation(boolean last, String text) {
        return new ContinuationWebSocketFrame(last, 0, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    @Test
    void aConnectionThatSendsWholeFramesHasNoFragmentStage() {
        frameArrives(new TextWebSocketFrame("{\"a\":1}"));

        TextWebSocketFrame passed = channel.readInbound();
        assertThat(passed.text()).isEqualTo("{\"a\":1}");
        passed.release();
        assertThat(channel.pipeline().get(ReadStampingWebSocketHandler.FRAGMENTS)).isNull();
    }

    @Test
    void theFirstFragmentPutsTheAggregatorInPlaceAndTheMessageArrivesWhole() {
        frameArrives(new TextWebSocketFrame(false, 0, Unpooled.copiedBuffer("{\"a\":", StandardCharsets.UTF_8)));
        assertThat(channel.pipeline().get(ReadStampingWebSocketHandler.FRAGMENTS)).isNotNull();
        assertThat((Object) channel.readInbound()).isNull();
        frameArrives(continuation(false, "12"));
        frameArrives(continuation(true, "34}"));

        TextWebSocketFrame whole = channel.readInbound();
        assertThat(whole.text()).isEqualTo("{\"a\":1234}");
        assertThat(whole.isFinalFragment()).isTrue();
        whole.release();
        frameArrives(new TextWebSocketFrame("{}"));
        TextWebSocketFrame next = channel.readInbound();
        assertThat(next.text()).isEqualTo("{}");
        next.release();
    }

    @Test
    void fragmentsAddingUpToMoreThanTheCapAreRefused() {
        frameArrives(new TextWebSocketFrame(false, 0, Unpooled.copiedBuffer("{\"pad\":\"", StandardCharsets.UTF_8)));
        frameArrives(continuation(false, "x".repeat(MAX_FRAGMENTED_BYTES)));

        assertThatThrownBy(channel::checkException).isInstanceOf(TooLongFrameException.class);
        frameArrives(continuation(true, "\"}"));
        assertThat((Object) channel.readInbound()).isNull();
    }
}
