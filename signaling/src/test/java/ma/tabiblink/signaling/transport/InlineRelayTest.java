package ma.tabiblink.signaling.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import ma.tabiblink.signaling.auth.Identity;
import ma.tabiblink.signaling.auth.Role;
import ma.tabiblink.signaling.event.SignalingObserver;
import ma.tabiblink.signaling.protocol.Message;
import ma.tabiblink.signaling.protocol.MessageCodec;
import ma.tabiblink.signaling.session.ResumeToken;
import ma.tabiblink.signaling.session.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay is followed by a stand-in for the session handler that notes what it is handed; both note into one list,
 * so the list is the order in which the connection's messages were dealt with.
 */
class InlineRelayTest {

    private static final Session NURSE = new Session("session-nurse", ResumeToken.issue("session-nurse").secretHash(),
            new Identity("nurse1", "Nurse One", Role.NURSE, "disp-1", "province-1", Set.of(),
                    Instant.parse("2030-01-01T00:00:00Z")), 16, 1 << 16, 1 << 20, () -> { });

    private final List<String> dealtWith = new ArrayList<>();
    private final List<Long> relayTimings = new ArrayList<>();
    private final AtomicInteger readCompletesPassedOn = new AtomicInteger();
    private boolean peerHere = true;
    private InlineRelay relay;
    private EmbeddedChannel channel;

    @BeforeEach
    void pipeline() {
        BiPredicate<Session, Message.Relayed> relayHere = (session, message) -> {
            assertThat(session).isSameAs(NURSE);
            if (peerHere) {
                dealtWith.add("inline " + label(message));
            }
            return peerHere;
        };
        SignalingObserver observer = new SignalingObserver() {
            @Override
            public void relayed(long nanos) {
                relayTimings.add(nanos);
            }
        };
        relay = new InlineRelay(relayHere, () -> observer);
        channel = new EmbeddedChannel(relay, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                dealtWith.add("worker " + describe(msg));
            }

            @Override
            public void channelReadComplete(ChannelHandlerContext ctx) {
                readCompletesPassedOn.incrementAndGet();
            }
        });
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private static String label(Message.Client message) {
        return message.id();
    }

    private static String describe(Object passedOn) {
        if (passedOn == ProtocolDecoder.RATE_LIMITED) {
            return "rate limited";
        }
        MessageCodec.Decoded decoded = (MessageCodec.Decoded) passedOn;
        return decoded.message() != null ? label(decoded.message()) : decoded.error().code();
    }

    private static MessageCodec.Decoded ice(String id) {
        return new MessageCodec.Decoded(new Message.IceCandidate(id, "call-1",
                new Message.IceCandidateInit("candidate:1 1 udp 2122260223 10.0.0.2 50000 typ host", "0", 0, null)),
                null);
    }

    private static MessageCodec.Decoded offer(String id) {
        return new MessageCodec.Decoded(new Message.SdpOffer(id, "call-1", "v=0"), null);
    }

    private static MessageCodec.Decoded ping(String id) {
        return new MessageCodec.Decoded(new Message.Ping(id), null);
    }

    /** The session handler has finished with {@code count} of the messages handed to it. */
    private void workerHandled(int count) {
        for (int i = 0; i < count; i++) {
            relay.handled();
        }
    }

    @Test
    void beforeTheConnectionHasASessionEveryMessageGoesToTheWorkerInOrder() {
        channel.writeInbound(offer("o1"), ping("p1"), ice("i1"));

        assertThat(dealtWith).containsExactly("worker o1", "worker p1", "worker i1");
    }

    @Test
    void relayedMessagesOfACallWhosePeerIsHereAreRelayedInOrderWithoutTheWorker() {
        relay.session(NURSE);

        channel.writeInbound(offer("o1"), ice("i1"), ice("i2"), ice("i3"));

        assertThat(dealtWith).containsExactly("inline o1", "inline i1", "inline i2", "inline i3");
        assertThat(relayTimings).hasSize(4).allSatisfy(nanos -> assertThat(nanos).isNotNegative());
    }

    @Test
    void relayedMessagesWaitBehindAnEarlierMessageTheWorkerHasNotFinished() {
        relay.session(NURSE);

        channel.writeInbound(ping("p1"), ice("i1"), ice("i2"));
        workerHandled(3);
        channel.writeInbound(ice("i3"));

        assertThat(dealtWith).containsExactly("worker p1", "worker i1", "worker i2", "inline i3");
        assertThat(relayTimings).hasSize(1);
    }

    @Test
    void theRelayResumesOnlyWhenTheWorkerHasFinishedEveryMessageHandedToIt() {
        relay.session(NURSE);
        channel.writeInbound(ping("p1"), ping("p2"));

        workerHandled(1);
        channel.writeInbound(ice("i1"));
        workerHandled(2);
        channel.writeInbound(ice("i2"));

        assertThat(dealtWith).containsExactly("worker p1", "worker p2", "worker i1", "inline i2");
    }

    @Test
    void aRelayedMessageThePeerCannotGetHereGoesToTheWorkerAndHoldsBackTheNextOnes() {
        relay.session(NURSE);
        peerHere = false;

        channel.writeInbound(offer("o1"));
        peerHere = true;
        channel.writeInbound(ice("i1"));
        workerHandled(2);
        channel.writeInbound(ice("i2"));

        assertThat(dealtWith).containsExactly("worker o1", "worker i1", "inline i2");
        assertThat(relayTimings).hasSize(1);
    }

    @Test
    void decodingErrorsAndSignalsFromTheDecoderGoToTheWorkerAndKeepTheirPlace() {
        relay.session(NURSE);
        MessageCodec.Decoded refused = new MessageCodec.Decoded(null,
                new Message.Error(null, "MALFORMED_JSON", "the frame is not valid JSON"));

        channel.writeInbound(refused, ice("i1"), ProtocolDecoder.RATE_LIMITED);

        assertThat(dealtWith).containsExactly("worker MALFORMED_JSON", "worker i1", "worker rate limited");
    }

    @Test
    void theEndOfEachReadIsNotPassedOnToTheWorker() {
        channel.writeInbound(ping("p1"));
        channel.writeInbound(ping("p2"));

        assertThat(dealtWith).hasSize(2);
        assertThat(readCompletesPassedOn).hasValue(0);
    }
}
