package ma.tabiblink.ops.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** A synthetic user connected to our signalling server: welcome, heartbeat, errors; the role does the rest. */
abstract class TabibAgent extends Peer {

    private static final int DEFAULT_HEARTBEAT_SECONDS = 20;

    final Identity who;

    TabibAgent(Identity who, RunStats stats) {
        super(stats);
        this.who = who;
    }

    /** After {@code welcome}; completes {@link #ready} when the role is set up. */
    abstract void onWelcome();

    /** Any other message of the protocol. */
    abstract void onSignal(String type, JsonNode message);

    @Override
    final void onMessage(JsonNode message) {
        String type = message.path("type").asText("");
        switch (type) {
            case "welcome" -> {
                startHeartbeat(message.path("heartbeatSeconds").asInt(DEFAULT_HEARTBEAT_SECONDS));
                onWelcome();
            }
            case "pong", "token.refresh", "queue.update", "call.ringCancelled", "peer.back" -> {
            }
            case "error" -> {
                String code = message.path("code").asText("UNKNOWN");
                stats.error(code);
                if (!ready.isDone()) {
                    ready.completeExceptionally(new LoadException(code, message.path("message").asText("")));
                }
                onSignal(type, message);
            }
            default -> onSignal(type, message);
        }
    }

    private void startHeartbeat(int heartbeatSeconds) {
        long periodMillis = Math.max(1, heartbeatSeconds) * 1000L;
        String ping = SignalMessages.ping("hb");
        long firstMillis = ThreadLocalRandom.current().nextLong(periodMillis / 2, periodMillis);
        ScheduledFuture<?> beat = link.eventLoop().scheduleAtFixedRate(
                () -> link.send(ping), firstMillis, periodMillis, TimeUnit.MILLISECONDS);
        link.closed().thenRun(() -> beat.cancel(false));
    }
}
