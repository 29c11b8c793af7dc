package ma.tabiblink.signaling.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.UnifiedJedis;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * This node's Redis pub/sub channel: other nodes publish "sessionId json" on it for the sessions held here, and
 * "!kick sessionId" to ask this node to let go of a session that a client is resuming elsewhere.
 */
public final class NodeBus {

    private static final Logger log = LoggerFactory.getLogger(NodeBus.class);
    public static final String KICK = "!kick ";
    private static final Duration RETRY = Duration.ofMillis(500);

    private final UnifiedJedis redis;
    private final String channel;
    private final BiConsumer<String, String> onMessage;
    private final Consumer<String> onKick;
    private final Runnable onRestored;
    private final CountDownLatch subscribed = new CountDownLatch(1);
    private volatile boolean running = true;
    /** The subscription broke and has not come back yet (said once, not at every retry). */
    private volatile boolean lost;
    private final JedisPubSub subscriber = new JedisPubSub() {
        @Override
        public void onSubscribe(String ch, int count) {
            if (lost) {
                lost = false;
                log.info("Redis subscription to {} restored", ch);
                // Before any message published from now on is read: what was stored meanwhile comes first.
                onRestored.run();
            }
            subscribed.countDown();
        }

        @Override
        public void onMessage(String ch, String payload) {
            try {
                if (payload.startsWith(KICK)) {
                    onKick.accept(payload.substring(KICK.length()));
                    return;
                }
                int space = payload.indexOf(' ');
                if (space > 0) {
                    onMessage.accept(payload.substring(0, space), payload.substring(space + 1));
                }
            } catch (RuntimeException e) {
                log.warn("could not handle a message from another node: {}", e.toString());
            }
        }
    };
    private final Thread thread;

    /**
     * {@code onRestored} runs on the bus's thread when the subscription comes back after it broke, before any message
     * published since is handed on.
     */
    public NodeBus(UnifiedJedis redis, String channel, BiConsumer<String, String> onMessage,
                   Consumer<String> onKick, Runnable onRestored) {
        this.redis = redis;
        this.channel = channel;
        this.onMessage = onMessage;
        this.onKick = onKick;
        this.onRestored = onRestored;
        this.thread = new Thread(this::listen, "signaling-bus");
        this.thread.setDaemon(true);
    }

    public void start(Duration timeout) throws InterruptedException {
        thread.start();
        if (!subscribed.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("could not subscribe to Redis channel " + channel);
        }
    }

    private void listen() {
        while (running) {
            try {
                redis.subscribe(subscriber, channel);
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                if (!lost) {
                    lost = true;
                    log.warn("Redis subscription lost ({}), retrying every {} ms", e.toString(), RETRY.toMillis());
                }
                try {
                    Thread.sleep(RETRY.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    public void stop() {
        running = false;
        if (subscriber.isSubscribed()) {
            subscriber.unsubscribe();
        }
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
