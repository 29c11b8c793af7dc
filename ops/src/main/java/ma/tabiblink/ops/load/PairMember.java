package ma.tabiblink.ops.load;

import com.fasterxml.jackson.databind.JsonNode;

/** One member of a pair on the baseline relay: relays from the moment it is connected. */
final class PairMember extends Peer {

    private final String pairName;

    PairMember(String pairName, RunStats stats) {
        super(stats);
        this.pairName = pairName;
    }

    String pairName() {
        return pairName;
    }

    @Override
    public void onOpen(Link link) {
        super.onOpen(link);
        relayReady(pairName);
        ready.complete(null);
    }

    @Override
    void onMessage(JsonNode message) {
        stats.unexpected("pair member got " + message.path("type").asText("?"));
    }
}
