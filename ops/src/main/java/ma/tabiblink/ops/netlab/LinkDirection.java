package ma.tabiblink.ops.netlab;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One direction of the emulated link: a reader thread takes packets from one TUN device, filters, loses and queues
 * them at the bottleneck's rate; a writer thread hands each to the other device when its delivery time comes. The
 * shape can change at any moment; packets already in flight keep the times they were given.
 */
final class LinkDirection {

    private static final int POLL_MILLIS = 100;

    private record InFlight(byte[] packet, long deliverAt) {
    }

    private final String label;
    private final boolean up;
    private final Tun from;
    private final Tun to;
    private final SplittableRandom random;
    private volatile LinkShape shape;
    private volatile PacketFilter filter;
    private volatile boolean running = true;

    private final Object lock = new Object();
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    private long bottleneckFreeAt;
    private long lastDeliveryAt;

    private final AtomicLong offered = new AtomicLong();
    private final AtomicLong offeredUdpBytes = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong deliveredBytes = new AtomicLong();
    private final AtomicLong deliveredUdpBytes = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong queueDropped = new AtomicLong();
    private final AtomicLong filtered = new AtomicLong();
    private volatile IOException failure;
    private Thread[] threads = new Thread[0];

    LinkDirection(String label, boolean up, Tun from, Tun to, LinkShape shape, PacketFilter filter, long seed) {
        this.label = label;
        this.up = up;
        this.from = from;
        this.to = to;
        this.shape = shape;
        this.filter = filter;
        this.random = new SplittableRandom(seed);
    }

    void shape(LinkShape newShape) {
        shape = newShape;
    }

    void filter(PacketFilter newFilter) {
        filter = newFilter;
    }

    void start() {
        Thread reader = new Thread(this::readLoop, "netlab-" + label + "-in");
        Thread writer = new Thread(this::writeLoop, "netlab-" + label + "-out");
        threads = new Thread[] {reader, writer};
        for (Thread t : threads) {
            t.setDaemon(true);
            // A packet held back because the emulator lost the CPU to the browsers reads as jitter the link never had.
            t.setPriority(Thread.MAX_PRIORITY);
            t.start();
        }
    }

    /** Waits for both threads to leave their device calls, so that closing the devices removes them at once. */
    void awaitStopped() {
        for (Thread t : threads) {
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    void stop() {
        running = false;
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    IOException failure() {
        return failure;
    }

    DirectionStats stats() {
        return new DirectionStats(offered.get(), offeredUdpBytes.get(), delivered.get(), deliveredBytes.get(), deliveredUdpBytes.get(),
                lost.get(), queueDropped.get(), filtered.get(), System.nanoTime());
    }

    private void readLoop() {
        byte[] buffer = new byte[Tun.MAX_PACKET_BYTES];
        try {
            while (running) {
                int length = from.read(buffer, POLL_MILLIS);
                if (length > 0) {
                    accept(buffer, length);
                }
            }
        } catch (IOException e) {
            failure = e;
        }
    }

    private void accept(byte[] buffer, int length) {
        long now = System.nanoTime();
        offered.incrementAndGet();
        if (PacketFilter.isUdp(buffer, length)) {
            offeredUdpBytes.addAndGet(length);
        }
        if (!filter.allows(buffer, length, up)) {
            filtered.incrementAndGet();
            return;
        }
        LinkShape s = shape;
        if (s.down() || (s.lossPercent() > 0 && random.nextDouble() * 100 < s.lossPercent())) {
            lost.incrementAndGet();
            return;
        }
        byte[] packet = new byte[length];
        System.arraycopy(buffer, 0, packet, 0, length);
        synchronized (lock) {
            long start = Math.max(now, bottleneckFreeAt);
            if (s.rateKbps() > 0 && start - now > s.queue().toNanos()) {
                queueDropped.incrementAndGet();
                return;
            }
            bottleneckFreeAt = start + s.serializationNanos(length);
            long jitter = s.jitter().isZero() ? 0 : random.nextLong(s.jitter().toNanos() + 1);
            long deliverAt = Math.max(bottleneckFreeAt + s.delay().toNanos() + jitter, lastDeliveryAt);
            lastDeliveryAt = deliverAt;
            inFlight.addLast(new InFlight(packet, deliverAt));
            lock.notifyAll();
        }
    }

    private void writeLoop() {
        try {
            while (running) {
                InFlight next;
                synchronized (lock) {
                    while (inFlight.isEmpty() && running) {
                        lock.wait(POLL_MILLIS);
                    }
                    next = inFlight.pollFirst();
                }
                if (next == null) {
                    continue;
                }
                long wait;
                while ((wait = next.deliverAt() - System.nanoTime()) > 0 && running) {
                    LockSupport.parkNanos(wait);
                }
                to.write(next.packet());
                delivered.incrementAndGet();
                deliveredBytes.addAndGet(next.packet().length);
                if (PacketFilter.isUdp(next.packet(), next.packet().length)) {
                    deliveredUdpBytes.addAndGet(next.packet().length);
                }
            }
        } catch (IOException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
