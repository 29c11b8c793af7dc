package ma.tabiblink.signaling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The system clock, moved forward by hand. A test skips a wait the nodes measure with their clock (a ring, a resume
 * window) by advancing it, while the rest keeps running in real time as before: the tokens minted against the system
 * clock, Netty's timers, Redis's key lifetimes. Every node sharing a Redis must share one such clock, as real nodes
 * share real time.
 */
final class TestClock extends Clock {

    private final AtomicReference<Duration> ahead = new AtomicReference<>(Duration.ZERO);

    void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("time only moves forward: " + duration);
        }
        ahead.updateAndGet(d -> d.plus(duration));
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(ahead.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
