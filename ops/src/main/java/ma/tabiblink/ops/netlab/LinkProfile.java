package ma.tabiblink.ops.netlab;

import java.util.Objects;

/**
 * A dispensary's connection as the lab plays it: the shape of each direction ({@code down} towards the dispensary,
 * {@code up} from it) and a firewall. {@code udpBlocked} drops every UDP packet; {@code tcpOnlyToOpenPorts} lets TCP
 * through only to the ports the lab declares open (the servers' ports), as an institutional firewall that allows
 * web traffic and nothing else does.
 */
public record LinkProfile(String name, String description, LinkShape down, LinkShape up, boolean udpBlocked,
                   boolean tcpOnlyToOpenPorts) {

    public LinkProfile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(down, "down");
        Objects.requireNonNull(up, "up");
        description = description == null ? name : description;
    }

    @Override
    public String toString() {
        return name + " (" + description + "): down " + down + "; up " + up
                + (udpBlocked ? "; UDP blocked" : "") + (tcpOnlyToOpenPorts ? "; TCP to open ports only" : "");
    }
}
