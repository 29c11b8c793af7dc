package ma.tabiblink.ops.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletableFuture;

/**
 * A nurse: requests urgent calls, offers (she is the offerer), trickles candidates, initiates the relay loop and
 * hangs up. One call at a time.
 */
final class TabibNurse extends TabibAgent {

    private final String specialty;
    /** The patient every call is about, or null for a made-up reference per call. */
    private final String patientRef;
    private int calls;
    private String requestId;
    private long requestedAt;
    private boolean rung;
    /** When the current call was first rung and when it was accepted ({@link System#nanoTime}), 0 until then. */
    volatile long rungAt;
    volatile long acceptedAt;
    private boolean hangingUp;
    private String callId;
    private CompletableFuture<String> established = new CompletableFuture<>();
    private CompletableFuture<Void> ended = new CompletableFuture<>();

    TabibNurse(Identity who, String specialty, String patientRef, RunStats stats) {
        super(who, stats);
        this.specialty = specialty;
        this.patientRef = patientRef;
    }

    @Override
    void onWelcome() {
        ready.complete(null);
    }

    /** Requests a call; completes with its call id once offer, answer and candidates went both ways. */
    CompletableFuture<String> requestCall() {
        CompletableFuture<String> result = new CompletableFuture<>();
        link.eventLoop().execute(() -> {
            calls++;
            requestId = "call-" + calls;
            rung = false;
            rungAt = 0;
            acceptedAt = 0;
            hangingUp = false;
            callId = null;
            established = result;
            ended = new CompletableFuture<>();
            requestedAt = System.nanoTime();
            link.send(SignalMessages.callRequest(requestId, specialty,
                    patientRef != null ? patientRef : "load-pat-" + who.id() + "-" + calls));
        });
        return result;
    }

    /** Hangs up the current call (or cancels the request); completes on {@code call.ended}. */
    CompletableFuture<Void> hangUp() {
        CompletableFuture<Void> result = new CompletableFuture<>();
        link.eventLoop().execute(() -> {
            if (callId == null) {
                result.complete(null);
                return;
            }
            hangingUp = true;
            ended.whenComplete((v, e) -> result.complete(null));
            link.send(established.isDone()
                    ? SignalMessages.callHangup("hangup-" + calls, callId)
                    : SignalMessages.callCancel("cancel-" + calls, callId));
        });
        return result;
    }

    @Override
    void onSignal(String type, JsonNode message) {
        switch (type) {
            case "call.queued" -> {
                if (requestId.equals(message.path("re").asText())) {
                    callId = message.path("callId").asText();
                }
            }
            case "call.ringing" -> {
                if (!rung) {
                    rung = true;
                    rungAt = System.nanoTime();
                    stats.callRinging.recordValue(rungAt - requestedAt);
                }
            }
            case "call.accepted" -> {
                acceptedAt = System.nanoTime();
                stats.callAccepted.recordValue(acceptedAt - requestedAt);
                callId = message.path("callId").asText();
                link.send(SignalMessages.sdp("sdp.offer", callId));
            }
            case "sdp.answer" -> {
                for (String candidate : SignalMessages.trickle(callId)) {
                    link.send(candidate);
                }
            }
            case "ice.candidate" -> {
                if (message.path("candidate").isNull()) {
                    relayReady(callId);
                    established.complete(callId);
                }
            }
            case "call.ended" -> {
                if (!hangingUp) {
                    stats.count("nurse got call.ended " + message.path("reason").asText("?"));
                }
                relayDone();
                callId = null;
                if (!established.isDone()) {
                    established.completeExceptionally(new LoadException("CALL_ENDED",
                            "call ended before it was set up: " + message.path("reason").asText()));
                }
                ended.complete(null);
            }
            case "call.noSpecialist" -> stats.count("call.noSpecialist");
            case "peer.reconnecting" -> stopFlood();
            case "error" -> {
                String code = message.path("code").asText();
                if ("CALL_NOT_ACTIVE".equals(code) || "CALL_ENDED".equals(code)) {
                    stopFlood();
                }
                if (requestId != null && requestId.equals(message.path("re").asText())) {
                    established.completeExceptionally(new LoadException(message.path("code").asText(),
                            message.path("message").asText()));
                }
            }
            default -> stats.unexpected("nurse got " + type);
        }
    }
}
