package ma.tabiblink.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A WebSocket client over loopback that collects the server's JSON messages and waits for them with bounds. */
final class TestClient implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LinkedBlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
    private final List<JsonNode> pending = new ArrayList<>();
    private final List<JsonNode> everything = java.util.Collections.synchronizedList(new ArrayList<>());
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final WebSocket ws;
    private int nextId = 1;

    private TestClient(WebSocket ws) {
        this.ws = ws;
    }

    /** Connects as a client that can set headers: the access token goes in {@code Authorization: Bearer}. */
    static TestClient connect(int port, String token) {
        return connect(URI.create("ws://127.0.0.1:" + port + "/signal"), null, token);
    }

    static TestClient connect(URI uri, String origin) {
        return connect(uri, origin, null);
    }

    static TestClient connect(URI uri, String origin, String bearerToken) {
        Listener listener = new Listener();
        WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(WAIT);
        if (origin != null) {
            b.header("Origin", origin);
        }
        if (bearerToken != null) {
            b.header("Authorization", "Bearer " + bearerToken);
        }
        b.buildAsync(uri, listener).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
        return listener.client;
    }

    private static final class Listener implements WebSocket.Listener {
        TestClient client;
        private final StringBuilder partial = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            client = new TestClient(webSocket);
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode node = JSON.readTree(partial.toString());
                    client.everything.add(node);
                    client.inbox.add(node);
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            client.closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            client.closed.complete(-1);
        }
    }

    /** Whether a message of this type has arrived (without waiting or taking it). */
    boolean hasReceived(String type) {
        synchronized (everything) {
            return everything.stream().anyMatch(m -> type.equals(m.path("type").asText()));
        }
    }

    String nextId() {
        return "r" + nextId++;
    }

    /** Sends raw text. */
    void sendRaw(String text) {
        ws.sendText(text, true).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    /** Sends one text message as consecutive frames (the first, then continuations), split at {@code cuts}. */
    void sendInFragments(String text, int... cuts) {
        int from = 0;
        for (int cut : cuts) {
            ws.sendText(text.substring(from, cut), false).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
            from = cut;
        }
        ws.sendText(text.substring(from), true).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    void sendBinary(byte[] data) {
        ws.sendBinary(java.nio.ByteBuffer.wrap(data), true).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    /** Sends a JSON object given as alternating keys and values, with a fresh request id; returns the id. */
    String send(String type, Object... kv) {
        var node = JSON.createObjectNode();
        node.put("type", type);
        String id = nextId();
        node.put("id", id);
        for (int i = 0; i < kv.length; i += 2) {
            node.set((String) kv[i], JSON.valueToTree(kv[i + 1]));
        }
        sendRaw(node.toString());
        return id;
    }

    /** The next message of this type (others stay available to later waits). */
    JsonNode await(String type) {
        return await(m -> type.equals(m.path("type").asText()), type);
    }

    JsonNode await(Predicate<JsonNode> match, String what) {
        synchronized (pending) {
            for (Iterator<JsonNode> it = pending.iterator(); it.hasNext(); ) {
                JsonNode m = it.next();
                if (match.test(m)) {
                    it.remove();
                    return m;
                }
            }
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode m;
            try {
                m = left > 0 ? inbox.poll(left, TimeUnit.NANOSECONDS) : null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
            if (m == null) {
                throw new AssertionError("no " + what + " within " + WAIT + "; received " + everything);
            }
            if (match.test(m)) {
                return m;
            }
            synchronized (pending) {
                pending.add(m);
            }
        }
    }

    /** True if a message of this type arrives within the given time. */
    boolean receives(String type, Duration within) {
        synchronized (pending) {
            if (pending.stream().anyMatch(m -> type.equals(m.path("type").asText()))) {
                return true;
            }
        }
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                JsonNode m = inbox.poll(10, TimeUnit.MILLISECONDS);
                if (m != null) {
                    synchronized (pending) {
                        pending.add(m);
                    }
                    if (type.equals(m.path("type").asText())) {
                        return true;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    List<JsonNode> all() {
        synchronized (everything) {
            return List.copyOf(everything);
        }
    }

    int awaitClose() {
        return closed.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    /** Drops the TCP connection without a close handshake, like a tablet losing its network. */
    void drop() {
        ws.abort();
    }

    @Override
    public void close() {
        if (!ws.isOutputClosed()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        ws.abort();
    }
}
