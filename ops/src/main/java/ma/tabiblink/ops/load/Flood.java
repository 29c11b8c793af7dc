package ma.tabiblink.ops.load;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sends relay messages towards a peer that does not read, at a fixed rate, without waiting for replies: what a slow
 * consumer looks like to the server. Messages are only written while the local socket accepts them.
 */
final class Flood {

    private static final long TICK_MILLIS = 10;

    private final Link link;
    private final byte[] frame;
    private final int perTick;
    private final LongAdder sent;
    private final LongAdder heldBack;
    private volatile ScheduledFuture<?> ticking;

    Flood(Link link, byte[] frame, double messagesPerSecond, LongAdder sent, LongAdder heldBack) {
        this.link = link;
        this.frame = frame;
        this.perTick = Math.max(1, (int) Math.round(messagesPerSecond * TICK_MILLIS / 1000.0));
        this.sent = sent;
        this.heldBack = heldBack;
    }

    /** On the link's event loop. */
    void start() {
        ticking = link.eventLoop().scheduleAtFixedRate(this::tick, 0, TICK_MILLIS, TimeUnit.MILLISECONDS);
        link.closed().thenRun(this::stop);
    }

    void stop() {
        if (ticking != null) {
            ticking.cancel(false);
        }
    }

    private void tick() {
        for (int i = 0; i < perTick; i++) {
            if (!link.isOpen() || !link.isWritable()) {
                heldBack.add(perTick - i);
                return;
            }
            link.send(frame);
            sent.increment();
        }
    }
}
