package ma.tabiblink.ops.load;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Recorder;

/**
 * One pair's side of the relay phase, on the initiating connection: sends a relay message, waits for the peer's
 * reply, records the round trip, sends the next one. Exactly one message in flight per pair; with a rate, each next
 * message waits for its slot instead of leaving at once. Runs entirely on the initiator's event loop.
 */
final class RelayPacer {

    private final Link link;
    private final byte[] frame;
    private final Recorder roundTrips;
    private final long intervalNanos;
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private volatile boolean running;
    private long sentAt;
    private long nextDue;

    /** {@code intervalNanos} 0 means closed loop as fast as replies come back. */
    RelayPacer(Link link, byte[] frame, Recorder roundTrips, long intervalNanos) {
        this.link = link;
        this.frame = frame;
        this.roundTrips = roundTrips;
        this.intervalNanos = intervalNanos;
    }

    void start(long initialDelayNanos) {
        running = true;
        link.eventLoop().schedule(() -> {
            nextDue = System.nanoTime();
            send();
        }, initialDelayNanos, TimeUnit.NANOSECONDS);
    }

    /** Called on the event loop when the peer's relay message comes back. */
    void replyReceived() {
        long now = System.nanoTime();
        roundTrips.recordValue(now - sentAt);
        if (!running) {
            drained.complete(null);
            return;
        }
        if (intervalNanos == 0) {
            send();
            return;
        }
        nextDue += intervalNanos;
        long wait = nextDue - now;
        if (wait <= 0) {
            nextDue = now;
            send();
        } else {
            link.eventLoop().schedule(this::sendIfRunning, wait, TimeUnit.NANOSECONDS);
        }
    }

    /** Stops after the message in flight; the future completes when its reply is back (or it never will be). */
    CompletableFuture<Void> stop() {
        running = false;
        link.eventLoop().execute(() -> {
            if (sentAt == 0 || !link.isOpen()) {
                drained.complete(null);
            }
        });
        link.closed().thenRun(() -> drained.complete(null));
        return drained;
    }

    private void sendIfRunning() {
        if (running) {
            send();
        } else {
            drained.complete(null);
        }
    }

    private void send() {
        sentAt = System.nanoTime();
        link.send(frame);
    }
}
