package ma.tabiblink.ops.netlab;

import java.util.Set;

/**
 * What may cross the lab's link at all: IPv4 between the lab's two addresses only (nothing leaves the machine, and
 * IPv6 chatter from the namespace stays there), then the profile's firewall: UDP blocked, TCP only to open ports.
 */
record PacketFilter(int hostAddress, int labAddress, boolean udpBlocked, boolean tcpOnlyToOpenPorts,
                    Set<Integer> openPorts) {

    private static final int TCP = 6;
    private static final int UDP = 17;

    PacketFilter {
        openPorts = Set.copyOf(openPorts);
    }

    PacketFilter with(LinkProfile profile) {
        return new PacketFilter(hostAddress, labAddress, profile.udpBlocked(), profile.tcpOnlyToOpenPorts(), openPorts);
    }

    PacketFilter withOpenPorts(Set<Integer> ports) {
        return new PacketFilter(hostAddress, labAddress, udpBlocked, tcpOnlyToOpenPorts, ports);
    }

    /** {@code up}: the packet travels from the lab (the dispensary) towards the host. */
    boolean allows(byte[] packet, int length, boolean up) {
        if (length < 20 || (packet[0] & 0xf0) != 0x40) {
            return false;
        }
        int source = int32(packet, 12);
        int destination = int32(packet, 16);
        boolean between = up ? source == labAddress && destination == hostAddress
                : source == hostAddress && destination == labAddress;
        if (!between) {
            return false;
        }
        int protocol = protocol(packet);
        if (protocol == UDP && udpBlocked) {
            return false;
        }
        if (protocol == TCP && tcpOnlyToOpenPorts) {
            int header = (packet[0] & 0x0f) * 4;
            if (length < header + 4) {
                return false;
            }
            int serverPort = up ? uint16(packet, header + 2) : uint16(packet, header);
            return openPorts.contains(serverPort);
        }
        return true;
    }

    static int protocol(byte[] packet) {
        return packet[9] & 0xff;
    }

    static boolean isUdp(byte[] packet, int length) {
        return length >= 20 && (packet[0] & 0xf0) == 0x40 && protocol(packet) == UDP;
    }

    static int int32(byte[] b, int offset) {
        return (b[offset] & 0xff) << 24 | (b[offset + 1] & 0xff) << 16 | (b[offset + 2] & 0xff) << 8 | (b[offset + 3] & 0xff);
    }

    private static int uint16(byte[] b, int offset) {
        return (b[offset] & 0xff) << 8 | (b[offset + 1] & 0xff);
    }
}
