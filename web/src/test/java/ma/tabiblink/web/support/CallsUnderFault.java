package ma.tabiblink.web.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Established calls and specialists' presence over real signalling WebSockets, kept going while a test breaks
 * something underneath (a Redis failover). Calls are spread over two signalling nodes (nurse on one and specialist on
 * the other, both on one, both on the other); every member sends a numbered ICE candidate five times a second and
 * every candidate received is logged per direction. Other specialists switch between available and away twice a
 * second. The checks read the logs: what was lost, duplicated or reordered, whether every call relays and every
 * presence change is answered again after a point in time, and what else the server said (errors, ended calls,
 * closed sockets).
 */
public final class CallsUnderFault implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Duration TICK = Duration.ofMillis(200);
    private static final int TICKS_PER_PRESENCE_CHANGE = 2;
    /** The code the server answers with while the shared state is away; anything else is unexpected. */
    private static final String RETRYABLE = "TEMPORARILY_UNAVAILABLE";

    /** What the logs hold for all directions together. */
    public record Tally(long sent, long received, long lostInWindows, long lostElsewhere, long duplicates,
                        long outOfOrder) {
    }

    /** One direction of one call: what its sender sent (and when) and what its receiver got, in order. */
    private static final class Direction {
        final JsonWebSocket sender;
        final String callId;
        final List<Long> sentAt = new CopyOnWriteArrayList<>();
        final List<Integer> received = new CopyOnWriteArrayList<>();
        final AtomicLong lastReceivedSentAt = new AtomicLong(Long.MIN_VALUE);

        Direction(JsonWebSocket sender, String callId) {
            this.sender = sender;
            this.callId = callId;
        }
    }

    /** A specialist switching between available and away; the time of the last change the server answered. */
    private static final class Churner {
        final JsonWebSocket socket;
        final AtomicInteger requests = new AtomicInteger();
        final Map<String, Long> sentAt = new ConcurrentHashMap<>();
        final AtomicLong lastAnsweredSentAt = new AtomicLong(Long.MIN_VALUE);

        Churner(JsonWebSocket socket) {
            this.socket = socket;
        }
    }

    private final List<JsonWebSocket> sockets = new ArrayList<>();
    private final Map<JsonWebSocket, List<Direction>> incoming = new ConcurrentHashMap<>();
    private final List<Direction> directions = new ArrayList<>();
    private final Map<JsonWebSocket, Churner> churners = new ConcurrentHashMap<>();
    private final List<String> unexpected = new CopyOnWriteArrayList<>();
    private final AtomicInteger refused = new AtomicInteger();
    private final ScheduledExecutorService pump = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "calls-under-fault");
        t.setDaemon(true);
        return t;
    });
    private long tick;

    private CallsUnderFault() {
    }

    /**
     * Sets up one call per (nurse, specialist, patient), each specialist taking it alone (available, rung, accepts),
     * with the members on the nodes {@code layout} names ({@code true}: the first node), then the churners' sockets,
     * and starts relaying and switching.
     *
     * @param nodes     the two nodes' signalling URLs; tickets come from the web application
     * @param origin    the page origin the nodes allow
     * @param specialty the specialty all call specialists have
     */
    public static CallsUnderFault start(List<String> nodes, String origin, String specialty, List<ApiClient> nurses,
                                        List<ApiClient> specialists, List<String> patients, List<ApiClient> churning) {
        CallsUnderFault calls = new CallsUnderFault();
        boolean started = false;
        try {
            for (int i = 0; i < nurses.size(); i++) {
                boolean nurseOnFirst = i % 4 == 0 || i % 4 == 2;
                boolean specialistOnFirst = i % 4 == 1 || i % 4 == 2;
                calls.setUpCall(calls.open(nodes.get(nurseOnFirst ? 0 : 1), origin, nurses.get(i)),
                        calls.open(nodes.get(specialistOnFirst ? 0 : 1), origin, specialists.get(i)),
                        specialty, patients.get(i), i);
            }
            for (int i = 0; i < churning.size(); i++) {
                JsonWebSocket socket = calls.open(nodes.get(i % 2), origin, churning.get(i));
                calls.churners.put(socket, new Churner(socket));
            }
            calls.pump.scheduleAtFixedRate(calls::safeTick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
            started = true;
            return calls;
        } finally {
            if (!started) {
                calls.close();
            }
        }
    }

    public int calls() {
        return directions.size() / 2;
    }

    /** Waits until every direction has delivered a candidate sent after {@code sinceNanos}; returns when (nanoTime). */
    public long awaitEveryCallRelayingSince(long sinceNanos, Duration bound) throws InterruptedException {
        return awaitAll(() -> directions.stream().allMatch(d -> d.lastReceivedSentAt.get() >= sinceNanos), bound,
                "every call relaying again");
    }

    /** Waits until every churner had a presence change sent after {@code sinceNanos} answered; returns when. */
    public long awaitPresenceAnsweredSince(long sinceNanos, Duration bound) throws InterruptedException {
        return awaitAll(() -> churners.values().stream().allMatch(c -> c.lastAnsweredSentAt.get() >= sinceNanos),
                bound, "every presence change answered again");
    }

    /** Sockets still open: a call kept means both its members' sockets are. */
    public long callsKept() {
        return directions.stream().filter(d -> !d.sender.closed()).count() / 2;
    }

    /**
     * Stops sending, waits for what is in flight, and tallies every direction; a candidate missing counts as lost in
     * a window when it was sent at a time {@code inWindow} accepts.
     */
    public Tally stopAndTally(LongPredicate inWindow) throws InterruptedException {
        pump.shutdown();
        assertThat(pump.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline && directions.stream().anyMatch(d -> !delivered(d))) {
            drain();
            Thread.sleep(50);
        }
        drain();
        long sent = 0, received = 0, lostInWindows = 0, lostElsewhere = 0, duplicates = 0, outOfOrder = 0;
        for (Direction d : directions) {
            sent += d.sentAt.size();
            received += d.received.size();
            boolean[] seen = new boolean[d.sentAt.size()];
            int highest = -1;
            for (int n : d.received) {
                if (seen[n]) {
                    duplicates++;
                } else if (n < highest) {
                    outOfOrder++;
                }
                seen[n] = true;
                highest = Math.max(highest, n);
            }
            for (int n = 0; n < seen.length; n++) {
                if (!seen[n]) {
                    if (inWindow.test(d.sentAt.get(n))) {
                        lostInWindows++;
                    } else {
                        lostElsewhere++;
                    }
                }
            }
        }
        return new Tally(sent, received, lostInWindows, lostElsewhere, duplicates, outOfOrder);
    }

    /** What the server said outside the contract: errors other than a retryable 503, ended calls, closed sockets. */
    public List<String> unexpected() {
        List<String> all = new ArrayList<>(unexpected);
        sockets.stream().filter(JsonWebSocket::closed).forEach(s -> all.add("a socket closed"));
        return all;
    }

    /** Requests answered {@value #RETRYABLE}. */
    public int refused() {
        return refused.get();
    }

    @Override
    public void close() {
        pump.shutdownNow();
        sockets.forEach(JsonWebSocket::close);
    }

    private JsonWebSocket open(String node, String origin, ApiClient user) {
        JsonWebSocket socket = JsonWebSocket.connect(node + "?ticket=" + user.ticket("signal"), origin);
        sockets.add(socket);
        JsonNode welcome = socket.next(WAIT);
        assertThat(welcome.path("type").asText()).as(welcome.toString()).isEqualTo("welcome");
        return socket;
    }

    private void setUpCall(JsonWebSocket nurse, JsonWebSocket specialist, String specialty, String patient, int i) {
        specialist.send(Map.of("type", "presence.set", "id", "av" + i, "status", "available"));
        specialist.awaitType("presence", WAIT);
        nurse.send(Map.of("type", "call.request", "id", "rq" + i, "specialty", specialty, "patientRef", patient));
        String callId = specialist.awaitType("call.incoming", WAIT).path("callId").asText();
        specialist.send(Map.of("type", "call.accept", "id", "ac" + i, "callId", callId));
        nurse.awaitType("call.accepted", WAIT);
        specialist.awaitType("call.accepted", WAIT);
        Direction toSpecialist = new Direction(nurse, callId);
        Direction toNurse = new Direction(specialist, callId);
        directions.add(toSpecialist);
        directions.add(toNurse);
        incoming.put(specialist, List.of(toSpecialist));
        incoming.put(nurse, List.of(toNurse));
    }

    private void safeTick() {
        try {
            tick++;
            for (Direction d : directions) {
                if (!d.sender.closed()) {
                    int n = d.sentAt.size();
                    d.sentAt.add(System.nanoTime());
                    d.sender.send(Map.of("type", "ice.candidate", "callId", d.callId, "candidate", Map.of(
                            "candidate", "candidate:" + n + " 1 udp 2122260223 10.0.0.5 51234 typ host",
                            "sdpMid", "0", "sdpMLineIndex", 0)));
                }
            }
            if (tick % TICKS_PER_PRESENCE_CHANGE == 0) {
                for (Churner c : churners.values()) {
                    if (!c.socket.closed()) {
                        int n = c.requests.incrementAndGet();
                        String id = "ps" + n;
                        c.sentAt.put(id, System.nanoTime());
                        c.socket.send(Map.of("type", "presence.set", "id", id,
                                "status", n % 2 == 0 ? "away" : "available"));
                    }
                }
            }
            drain();
        } catch (RuntimeException e) {
            unexpected.add("the load stopped: " + e);
            throw e;
        }
    }

    private synchronized void drain() {
        for (JsonWebSocket socket : sockets) {
            for (JsonNode m = socket.poll(); m != null; m = socket.poll()) {
                read(socket, m);
            }
        }
    }

    private void read(JsonWebSocket socket, JsonNode m) {
        String type = m.path("type").asText();
        switch (type) {
            case "ice.candidate" -> {
                Direction d = incoming.get(socket).get(0);
                String candidate = m.path("candidate").path("candidate").asText();
                int n = Integer.parseInt(candidate.substring("candidate:".length(), candidate.indexOf(' ')));
                d.received.add(n);
                d.lastReceivedSentAt.accumulateAndGet(d.sentAt.get(n), Math::max);
            }
            case "presence" -> {
                Churner c = churners.get(socket);
                Long sentAt = c == null ? null : c.sentAt.remove(m.path("re").asText());
                if (sentAt != null) {
                    c.lastAnsweredSentAt.accumulateAndGet(sentAt, Math::max);
                }
            }
            case "error" -> {
                if (RETRYABLE.equals(m.path("code").asText())) {
                    refused.incrementAndGet();
                } else {
                    unexpected.add("error " + m.path("code").asText() + ": " + m.path("message").asText());
                }
            }
            // a fresh access token before the current one expires: part of a long call, nothing to check here
            case "token.refresh" -> {
            }
            // only the type and reason: a message may carry credentials
            default -> unexpected.add(type + " " + m.path("reason").asText());
        }
    }

    private boolean delivered(Direction d) {
        return d.received.size() >= d.sentAt.size();
    }

    private long awaitAll(java.util.function.BooleanSupplier done, Duration bound, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what + " within " + bound).isLessThan(deadline);
            Thread.sleep(20);
        }
        return System.nanoTime();
    }
}
