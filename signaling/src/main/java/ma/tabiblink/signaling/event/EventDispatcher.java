package ma.tabiblink.signaling.event;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** Hands events to the listener in order, on one thread of its own, so a slow listener never delays a call. */
public final class EventDispatcher {

    private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);

    private final CallEventListener listener;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "signaling-events");
        t.setDaemon(true);
        return t;
    });

    public EventDispatcher(CallEventListener listener) {
        this.listener = listener;
    }

    public void emit(SignalingEvent event) {
        if (thread.isShutdown()) {
            return;
        }
        thread.execute(() -> {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                log.warn("call event listener failed on {}: {}", event.getClass().getSimpleName(), e.toString());
            }
        });
    }

    public void close(Duration wait) {
        thread.shutdown();
        try {
            thread.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
