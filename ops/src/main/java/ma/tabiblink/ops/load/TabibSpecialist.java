package ma.tabiblink.ops.load;

import com.fasterxml.jackson.databind.JsonNode;

/** A specialist: goes available, accepts every call rung to her, answers the offer, echoes the relay loop. */
final class TabibSpecialist extends TabibAgent {

    private static final String PRESENCE_REQUEST = "presence-1";

    private String callId;
    private int accepts;

    TabibSpecialist(Identity who, RunStats stats) {
        super(who, stats);
    }

    @Override
    void onWelcome() {
        link.send(SignalMessages.presenceAvailable(PRESENCE_REQUEST));
    }

    @Override
    void onSignal(String type, JsonNode message) {
        switch (type) {
            case "presence" -> {
                if (PRESENCE_REQUEST.equals(message.path("re").asText())) {
                    ready.complete(null);
                }
            }
            case "call.incoming" -> {
                accepts++;
                link.send(SignalMessages.callAccept("accept-" + accepts, message.path("callId").asText()));
            }
            case "call.accepted" -> callId = message.path("callId").asText();
            case "sdp.offer" -> {
                callId = message.path("callId").asText();
                link.send(SignalMessages.sdp("sdp.answer", callId));
                for (String candidate : SignalMessages.trickle(callId)) {
                    link.send(candidate);
                }
            }
            case "ice.candidate" -> {
                if (message.path("candidate").isNull()) {
                    relayReady(callId);
                }
            }
            case "call.ended" -> {
                relayDone();
                callId = null;
            }
            case "error", "peer.reconnecting" -> {
            }
            default -> stats.unexpected("specialist got " + type);
        }
    }
}
