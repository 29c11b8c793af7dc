package ma.tabiblink.ops.load;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** Opens many connections with a bounded number of handshakes in flight, and waits until each is ready. */
final class Fleet {

    /** The peers that became ready, how long it took, and why the others did not. */
    record Opened<P extends Peer>(List<P> ready, int attempted, long elapsedNanos, RunStats failures) {

        double perSecond() {
            return elapsedNanos == 0 ? 0 : ready.size() / (elapsedNanos / 1e9);
        }
    }

    private final WsClient client;
    private final int concurrency;
    private final Duration timeout;
    private final double connectsPerSecond;

    Fleet(WsClient client, int concurrency, Duration timeout) {
        this(client, concurrency, timeout, 0);
    }

    /** @param connectsPerSecond new connections started per second at most; 0 = as fast as the concurrency allows */
    Fleet(WsClient client, int concurrency, Duration timeout, double connectsPerSecond) {
        this.client = client;
        this.concurrency = concurrency;
        this.timeout = timeout;
        this.connectsPerSecond = connectsPerSecond;
    }

    /**
     * @param address where each peer connects
     * @param token   the access token of each peer (sent as {@code Authorization: Bearer}), or null when the target
     *                needs none
     */
    <P extends Peer> Opened<P> open(List<P> peers, Function<P, URI> address, Function<P, String> token) {
        return open(peers, address, peer -> null, token);
    }

    /** @param source the local address each peer connects from, or null for the kernel's choice */
    <P extends Peer> Opened<P> open(List<P> peers, Function<P, URI> address, Function<P, InetSocketAddress> source,
            Function<P, String> token) {
        Semaphore inFlight = new Semaphore(concurrency);
        RunStats failures = new RunStats();
        List<P> ready = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Void>> all = new ArrayList<>();
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        long index = 0;
        for (P peer : peers) {
            pace(started, index++, deadline);
            if (!acquire(inFlight, deadline)) {
                failures.count("not attempted: connect phase timed out");
                continue;
            }
            CompletableFuture<Void> done = client.connect(address.apply(peer), source.apply(peer), token.apply(peer), peer)
                    .thenCompose(link -> peer.ready)
                    .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .handle((v, error) -> {
                        inFlight.release();
                        if (error == null) {
                            ready.add(peer);
                        } else {
                            failures.count(reason(error));
                            peer.leave();
                        }
                        return null;
                    });
            all.add(done);
        }
        awaitAll(all, deadline);
        long elapsed = System.nanoTime() - started;
        synchronized (ready) {
            return new Opened<>(List.copyOf(ready), peers.size(), elapsed, failures);
        }
    }

    static void awaitAll(List<? extends CompletableFuture<?>> futures, long deadlineNanos) {
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                    .get(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // Each future records its own outcome; what is still pending is reported by the caller.
        }
    }

    static String reason(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof LoadException load) {
            return load.code() + ": " + load.getMessage();
        }
        if (cause instanceof java.util.concurrent.TimeoutException) {
            return "TIMEOUT";
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    /** Waits until the {@code index}-th connection is due at the paced rate. */
    private void pace(long startedNanos, long index, long deadlineNanos) {
        if (connectsPerSecond <= 0) {
            return;
        }
        long due = Math.min(deadlineNanos, startedNanos + (long) (index * 1e9 / connectsPerSecond));
        long wait = due - System.nanoTime();
        if (wait > 0) {
            RelayRun.sleep(wait);
        }
    }

    private static boolean acquire(Semaphore semaphore, long deadlineNanos) {
        try {
            return semaphore.tryAcquire(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
