package ma.tabiblink.ops.netlab;

/**
 * Counters of one direction of the lab's link since it started, read at {@code nanoTime}. Subtract two readings
 * to get what happened in between ({@link #since}).
 */
public record DirectionStats(long offeredPackets, long offeredUdpBytes, long deliveredPackets, long deliveredBytes,
                             long deliveredUdpBytes, long lostPackets, long queueDroppedPackets, long filteredPackets,
                             long nanoTime) {

    public DirectionStats since(DirectionStats earlier) {
        return new DirectionStats(offeredPackets - earlier.offeredPackets, offeredUdpBytes - earlier.offeredUdpBytes,
                deliveredPackets - earlier.deliveredPackets, deliveredBytes - earlier.deliveredBytes,
                deliveredUdpBytes - earlier.deliveredUdpBytes, lostPackets - earlier.lostPackets,
                queueDroppedPackets - earlier.queueDroppedPackets, filteredPackets - earlier.filteredPackets,
                nanoTime - earlier.nanoTime);
    }

    /** What the sender put on the link (UDP, before any loss or queue), over a {@link #since} interval, in kbit/s. */
    public double offeredUdpKbps() {
        return nanoTime <= 0 ? 0 : offeredUdpBytes * 8.0 * 1_000_000 / nanoTime;
    }

    /** Delivered UDP payload-and-headers rate over the interval of a {@link #since} difference, in kbit/s. */
    public double deliveredUdpKbps() {
        return nanoTime <= 0 ? 0 : deliveredUdpBytes * 8.0 * 1_000_000 / nanoTime;
    }

    public double deliveredKbps() {
        return nanoTime <= 0 ? 0 : deliveredBytes * 8.0 * 1_000_000 / nanoTime;
    }
}
