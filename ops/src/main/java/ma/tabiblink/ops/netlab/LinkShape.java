package ma.tabiblink.ops.netlab;

import java.time.Duration;

/**
 * What one direction of a link does to packets: a bottleneck of {@code rateKbps} (0: unlimited) that holds at most
 * {@code queue} worth of packets at that rate and drops what does not fit (tail drop, as a base station's buffer
 * does), then {@code delay} plus up to {@code jitter} of propagation, and {@code lossPercent} random loss. Packets
 * keep their order.
 */
public record LinkShape(int rateKbps, Duration delay, Duration jitter, double lossPercent, Duration queue) {

    public static final LinkShape PERFECT = new LinkShape(0, Duration.ZERO, Duration.ZERO, 0, Duration.ofSeconds(1));

    public LinkShape {
        if (rateKbps < 0) {
            throw new IllegalArgumentException("rate-kbps must be 0 (unlimited) or more, got " + rateKbps);
        }
        if (delay.isNegative() || jitter.isNegative() || queue.isNegative()) {
            throw new IllegalArgumentException("delay, jitter and queue must not be negative");
        }
        if (!(lossPercent >= 0 && lossPercent <= 100)) {
            throw new IllegalArgumentException("loss-percent must be between 0 and 100, got " + lossPercent);
        }
    }

    public boolean down() {
        return lossPercent >= 100;
    }

    /** Time the bottleneck needs to send {@code bytes}, in nanoseconds (0 when unlimited). */
    long serializationNanos(int bytes) {
        return rateKbps == 0 ? 0 : bytes * 8L * 1_000_000L / rateKbps;
    }

    @Override
    public String toString() {
        return (rateKbps == 0 ? "unlimited" : rateKbps + " kbit/s") + ", " + delay.toMillis() + " ms ±"
                + jitter.toMillis() + " ms, " + lossPercent + " % loss, queue " + queue.toMillis() + " ms";
    }
}
