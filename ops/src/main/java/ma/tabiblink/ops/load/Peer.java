package ma.tabiblink.ops.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * A connection of the run. Once its call (or pair) is set up it takes part in the relay phase: the initiator
 * paces relay messages, the other side answers each one with its own; every other frame is parsed as JSON.
 */
abstract class Peer implements FrameSink {

    static final ObjectMapper JSON = new ObjectMapper();

    final RunStats stats;
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    Link link;
    private volatile boolean leaving;
    private boolean relayReady;
    private byte[] relayFrame;
    private RelayPacer pacer;
    private Flood flood;

    Peer(RunStats stats) {
        this.stats = stats;
    }

    /** A frame that is not a relay message of the current call. */
    abstract void onMessage(JsonNode message);

    @Override
    public void onOpen(Link link) {
        this.link = link;
    }

    @Override
    public final void onText(ByteBuf utf8) {
        if (relayReady && RelayMessages.isRelay(utf8)) {
            if (pacer != null) {
                pacer.replyReceived();
            } else {
                link.send(relayFrame);
            }
            return;
        }
        JsonNode message;
        try {
            message = JSON.readTree((InputStream) new ByteBufInputStream(utf8));
        } catch (IOException e) {
            stats.unexpected("unparseable-frame");
            return;
        }
        onMessage(message);
    }

    @Override
    public void onClose(int code, String reason) {
        relayReady = false;
        ready.completeExceptionally(new LoadException("CLOSED_" + code, "server closed the connection: " + code + " " + reason));
        if (!leaving) {
            stats.closedByServer(code);
        }
    }

    /** Closes this connection at the end of the run. */
    final CompletableFuture<Void> leave() {
        leaving = true;
        return link == null ? CompletableFuture.completedFuture(null) : link.close();
    }

    /** From now on relay messages of this call are answered (or, for the initiator, paced). On the event loop. */
    final void relayReady(String callId) {
        relayFrame = RelayMessages.relayFrame(callId);
        relayReady = true;
    }

    /** The call is over: no more relay messages, in either direction. On the event loop. */
    final void relayDone() {
        relayReady = false;
        pacer = null;
        stopFlood();
    }

    /** The peer is away (or the call no longer takes relay messages): a client stops trickling. On the event loop. */
    final void stopFlood() {
        if (flood != null) {
            flood.stop();
            flood = null;
        }
    }

    /** Floods this side's relay message towards a peer that stopped reading, until the call ends. */
    final Flood flood(double messagesPerSecond, LongAdder sent, LongAdder heldBack) {
        Flood started = new Flood(link, relayFrame, messagesPerSecond, sent, heldBack);
        link.eventLoop().execute(() -> {
            if (relayReady) {
                flood = started;
                started.start();
            }
        });
        return started;
    }

    /** Stops reading (and answering relay messages): the server's writes to this connection pile up. */
    final void becomeSlowConsumer() {
        link.eventLoop().execute(() -> {
            relayDone();
            link.pauseReading();
        });
    }

    /** Makes this side the initiator of its pair's relay loop (once its relay is ready). */
    final CompletableFuture<RelayPacer> paceRelay(Recorder roundTrips, long intervalNanos) {
        CompletableFuture<RelayPacer> result = new CompletableFuture<>();
        link.eventLoop().execute(() -> {
            pacer = new RelayPacer(link, relayFrame, roundTrips, intervalNanos);
            result.complete(pacer);
        });
        return result;
    }
}
