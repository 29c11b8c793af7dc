package ma.tabiblink.ops.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One member of a call in the node-kill run. It sets its call up as {@link TabibNurse} and {@link TabibSpecialist}
 * do (request, ring, accept, offer/answer, candidates), then relays numbered ICE candidates. When its connection
 * drops it does what a client must: reconnects to another node with a fresh token, sends {@code session.resume}
 * with the highest contiguous {@code seq} it processed, retries while the server refuses, and, once resumed, takes
 * part in the ICE restart and relays again. While it has no open session it sends nothing, as a browser whose socket
 * is closed cannot.
 */
final class ResumingMember extends Peer {

    private static final String PRESENCE_REQUEST = "presence-1";
    private static final long RESUME_RETRY_MILLIS = 250;
    private static final long RECONNECT_RETRY_MILLIS = 500;
    private static final int DEFAULT_RESUME_WINDOW_SECONDS = 30;

    final Identity who;
    private final String specialty;
    /** The patient the nurse's call is about, or null for a made-up reference. */
    private final String patientRef;
    private final URI home;
    private final URI failover;
    private final TokenMinter minter;
    private final WsClient client;
    private final ScheduledExecutorService timers;

    // Everything below is guarded by this: callbacks of the old and the new connection run on different threads.
    private String resumeToken;
    private int resumeWindowSeconds = DEFAULT_RESUME_WINDOW_SECONDS;
    private long lastSeq;
    private final TreeSet<Long> aheadOfLastSeq = new TreeSet<>();
    private boolean sessionOpen;
    private boolean stopping;
    private String callId;
    private boolean established;
    private final CompletableFuture<String> callEstablished = new CompletableFuture<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private RelayLedger outgoing;
    private RelayLedger incoming;
    private long droppedAtNanos;
    private long resumeDeadlineNanos;
    private boolean resuming;
    private int resumeAttempts;
    private String resumeId;
    private final List<Long> resumeNanos = new ArrayList<>();
    private boolean callActiveInResume;
    private String failure;
    private int drops;
    private boolean iceRestartPending;
    private int iceRestarts;

    ResumingMember(Identity who, String specialty, String patientRef, URI home, URI failover, TokenMinter minter,
            WsClient client, ScheduledExecutorService timers, RunStats stats) {
        super(stats);
        this.who = who;
        this.specialty = specialty;
        this.patientRef = patientRef;
        this.home = home;
        this.failover = failover;
        this.minter = minter;
        this.client = client;
        this.timers = timers;
    }

    boolean isNurse() {
        return who.role() == Identity.Role.NURSE;
    }

    URI home() {
        return home;
    }

    // ------------------------------------------------------------------ the run's side

    /** Requests an urgent call (nurses); completes with the call id once offer, answer and candidates went through. */
    CompletableFuture<String> requestCall() {
        synchronized (this) {
            send(SignalMessages.callRequest("call-1", specialty, patientRef != null ? patientRef : "load-pat-" + who.id()));
        }
        return callEstablished;
    }

    /** Completes with the call id once the call is set up on this member's side. */
    CompletableFuture<String> callEstablished() {
        return callEstablished;
    }

    synchronized String callId() {
        return callId;
    }

    /** From now on this member numbers what it relays into {@code outgoing} and what it receives into {@code incoming}. */
    synchronized void relayWith(RelayLedger outgoing, RelayLedger incoming) {
        this.outgoing = outgoing;
        this.incoming = incoming;
    }

    /** One relay message, when the session is open; nothing while it is away. */
    synchronized void tick() {
        if (outgoing == null || stopping || !sessionOpen) {
            return;
        }
        int number = outgoing.generate();
        String frame = SignalMessages.numberedCandidate(callId, number);
        outgoing.written(number, System.nanoTime());
        send(frame);
    }

    /** Nurses end the call; completes on {@code call.ended}. */
    CompletableFuture<Void> hangUp() {
        synchronized (this) {
            if (callId != null && sessionOpen) {
                send(SignalMessages.callHangup("hangup-1", callId));
            } else {
                ended.complete(null);
            }
        }
        return ended;
    }

    synchronized void stop() {
        stopping = true;
    }

    synchronized boolean dropped() {
        return drops > 0;
    }

    synchronized long droppedAtNanos() {
        return droppedAtNanos;
    }

    /** Resumed at least once since it dropped, and the last drop was followed by a resume. */
    synchronized boolean resumed() {
        return drops > 0 && resumeNanos.size() == drops && failure == null;
    }

    synchronized boolean callActiveInResume() {
        return callActiveInResume;
    }

    /** Drop-to-{@code session.resumed} times, one per drop that was resumed. */
    synchronized List<Long> resumeNanos() {
        return List.copyOf(resumeNanos);
    }

    synchronized int resumeAttempts() {
        return resumeAttempts;
    }

    synchronized int resumeWindowSeconds() {
        return resumeWindowSeconds;
    }

    synchronized int iceRestarts() {
        return iceRestarts;
    }

    /** Server seqs above {@code lastSeq} still waiting for a lower one: a hole the client can never fill. */
    synchronized int seqsStuckAboveLastSeq() {
        return aheadOfLastSeq.size();
    }

    synchronized String failure() {
        return failure;
    }

    // ------------------------------------------------------------------ the connection's side

    private void send(String json) {
        Link current = link;
        if (current != null) {
            // Through the event loop's queue even from the event loop itself, so frames leave in the order sent here.
            current.eventLoop().execute(() -> current.send(json));
        }
    }

    @Override
    public synchronized void onOpen(Link link) {
        super.onOpen(link);
    }

    @Override
    synchronized void onMessage(JsonNode message) {
        String type = message.path("type").asText("");
        if (resuming) {
            whileResuming(type, message);
            return;
        }
        track(message.path("seq").asLong(0));
        switch (type) {
            case "welcome" -> {
                resumeToken = message.path("resumeToken").asText();
                resumeWindowSeconds = message.path("resumeWindowSeconds").asInt(DEFAULT_RESUME_WINDOW_SECONDS);
                sessionOpen = true;
                if (isNurse()) {
                    ready.complete(null);
                } else {
                    send(SignalMessages.presenceAvailable(PRESENCE_REQUEST));
                }
            }
            case "presence" -> {
                if (PRESENCE_REQUEST.equals(message.path("re").asText())) {
                    ready.complete(null);
                }
            }
            case "call.queued" -> callId = message.path("callId").asText();
            case "call.incoming" -> {
                if (callId == null) {
                    callId = message.path("callId").asText();
                    send(SignalMessages.callAccept("accept-1", callId));
                }
            }
            case "call.accepted" -> {
                callId = message.path("callId").asText();
                if (isNurse()) {
                    send(SignalMessages.sdp("sdp.offer", callId));
                }
            }
            case "sdp.offer" -> {
                send(SignalMessages.sdp("sdp.answer", callId));
                if (!established) {
                    for (String candidate : SignalMessages.trickle(callId)) {
                        send(candidate);
                    }
                }
            }
            case "sdp.answer" -> {
                if (!established) {
                    for (String candidate : SignalMessages.trickle(callId)) {
                        send(candidate);
                    }
                } else if (iceRestartPending) {
                    iceRestartPending = false;
                    iceRestarts++;
                }
            }
            case "ice.candidate" -> candidate(message.path("candidate"));
            case "ice.restart" -> {
                stats.count("ice.restart");
                iceRestartPending = true;
                send(SignalMessages.sdp("sdp.offer", callId));
            }
            case "peer.reconnecting", "peer.back" -> stats.count(type);
            case "call.ended" -> {
                stats.count("call.ended " + message.path("reason").asText("?"));
                ended.complete(null);
                if (!callEstablished.isDone()) {
                    callEstablished.completeExceptionally(new LoadException("CALL_ENDED",
                            "call ended before it was set up: " + message.path("reason").asText()));
                }
            }
            case "call.ringing", "queue.update", "call.ringCancelled", "pong", "token.refresh" -> {
            }
            case "call.noSpecialist" -> stats.count("call.noSpecialist");
            case "error" -> {
                String code = message.path("code").asText("UNKNOWN");
                stats.error(code);
                LoadException error = new LoadException(code, message.path("message").asText(""));
                ready.completeExceptionally(error);
                if (!established) {
                    callEstablished.completeExceptionally(error);
                }
            }
            default -> stats.unexpected(who.role().name().toLowerCase() + " got " + type);
        }
    }

    private void candidate(JsonNode candidate) {
        if (candidate.isNull()) {
            if (!established && callId != null) {
                established = true;
                callEstablished.complete(callId);
            }
            return;
        }
        if (!established || incoming == null) {
            return;
        }
        int number = SignalMessages.candidateNumber(candidate.path("candidate").asText(""));
        if (number < 0) {
            stats.unexpected("relay candidate without a number");
        } else {
            incoming.received(number);
        }
    }

    /** Counts {@code lastSeq} as the protocol asks: the highest seq below which every seq was processed. */
    private void track(long seq) {
        if (seq <= 0) {
            return;
        }
        if (seq <= lastSeq || aheadOfLastSeq.contains(seq)) {
            stats.count("server message with a seq already processed");
            return;
        }
        aheadOfLastSeq.add(seq);
        while (!aheadOfLastSeq.isEmpty() && aheadOfLastSeq.first() == lastSeq + 1) {
            lastSeq = aheadOfLastSeq.pollFirst();
        }
    }

    private void whileResuming(String type, JsonNode message) {
        switch (type) {
            case "welcome" -> sendResume();
            case "session.resumed" -> {
                if (!resumeId.equals(message.path("re").asText())) {
                    return;
                }
                resuming = false;
                sessionOpen = true;
                track(message.path("seq").asLong(0));
                resumeNanos.add(System.nanoTime() - droppedAtNanos);
                for (JsonNode call : message.path("calls")) {
                    if (call.path("callId").asText().equals(callId) && "active".equals(call.path("state").asText())) {
                        callActiveInResume = true;
                    }
                }
                if (!callActiveInResume) {
                    fail("CALL_NOT_RESUMED", "session.resumed did not list call " + callId + " as active");
                }
            }
            case "error" -> {
                if (resumeId == null || !resumeId.equals(message.path("re").asText())) {
                    stats.error(message.path("code").asText("UNKNOWN"));
                    return;
                }
                String code = message.path("code").asText("UNKNOWN");
                stats.count("resume answered " + code);
                if ("RESUME_INVALID".equals(code) && System.nanoTime() < resumeDeadlineNanos) {
                    // Also what a session still held by a node that is dead but not yet declared dead gets.
                    timers.schedule(this::retryResume, RESUME_RETRY_MILLIS, TimeUnit.MILLISECONDS);
                } else {
                    fail(code, message.path("message").asText(""));
                }
            }
            default -> {
            }
        }
    }

    private synchronized void retryResume() {
        if (resuming && !stopping && failure == null) {
            sendResume();
        }
    }

    private void sendResume() {
        resumeAttempts++;
        resumeId = "resume-" + resumeAttempts;
        send(SignalMessages.sessionResume(resumeId, resumeToken, lastSeq));
    }

    @Override
    public synchronized void onClose(int code, String reason) {
        sessionOpen = false;
        ready.completeExceptionally(new LoadException("CLOSED_" + code, "connection closed: " + code + " " + reason));
        if (stopping || failure != null) {
            return;
        }
        if (!established) {
            fail("CLOSED_" + code, "connection closed before the call was set up");
            return;
        }
        if (!resuming) {
            drops++;
            droppedAtNanos = System.nanoTime();
            resumeDeadlineNanos = droppedAtNanos + TimeUnit.SECONDS.toNanos(resumeWindowSeconds);
            resuming = true;
            stats.count(code < 0 ? "connection dropped without a close frame" : "connection closed by server " + code);
        }
        timers.execute(this::reconnect);
    }

    private void reconnect() {
        synchronized (this) {
            if (stopping || failure != null) {
                return;
            }
            if (System.nanoTime() >= resumeDeadlineNanos) {
                fail("RESUME_TIMEOUT", "not resumed within the resume window of " + resumeWindowSeconds + " s");
                return;
            }
        }
        client.connect(failover, minter.mint(who), this).whenComplete((opened, error) -> {
            if (error != null) {
                stats.count("reconnect failed: " + Fleet.reason(error));
                timers.schedule(this::reconnect, RECONNECT_RETRY_MILLIS, TimeUnit.MILLISECONDS);
            }
        });
    }

    private void fail(String code, String message) {
        if (failure == null) {
            failure = code + ": " + message;
            stats.count("member failed: " + code);
        }
    }
}
