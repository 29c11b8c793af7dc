package ma.tabiblink.web.proxy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The reverse proxies whose {@code X-Forwarded-For} is believed ({@code TABIB_TRUSTED_PROXIES}: addresses and CIDR
 * ranges). A request's real client is found by walking that header from its right end, past the trusted proxies, to
 * the first address that is not one: whatever a client writes further left is its own claim and is ignored. A request
 * that does not come from a trusted proxy is its own client, whatever header it carries.
 */
public final class TrustedProxies {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*");
    private static final int MAX_HOPS = 20;

    private final List<Range> ranges;

    private TrustedProxies(List<Range> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    /**
     * @param list comma-separated addresses or CIDR ranges, e.g. {@code 127.0.0.1,::1,10.0.0.0/8}; blank trusts no one
     * @throws IllegalArgumentException naming the entry that is not an address or range
     */
    public static TrustedProxies parse(String list) {
        List<Range> ranges = new ArrayList<>();
        for (String entry : list.split(",")) {
            String e = entry.strip();
            if (e.isEmpty()) {
                continue;
            }
            int slash = e.indexOf('/');
            InetAddress address = literal(slash < 0 ? e : e.substring(0, slash))
                    .orElseThrow(() -> new IllegalArgumentException("not an IP address or CIDR range: " + e));
            int max = address.getAddress().length * 8;
            int bits;
            try {
                bits = slash < 0 ? max : Integer.parseInt(e.substring(slash + 1));
            } catch (NumberFormatException nfe) {
                throw new IllegalArgumentException("bad prefix length in " + e);
            }
            if (bits < 0 || bits > max) {
                throw new IllegalArgumentException("bad prefix length in " + e);
            }
            ranges.add(new Range(address.getAddress(), bits));
        }
        return new TrustedProxies(ranges);
    }

    /** The address of the client behind {@code remoteAddress}, given the request's X-Forwarded-For headers. */
    public String clientAddress(String remoteAddress, List<String> forwardedFor) {
        Optional<InetAddress> peer = literal(remoteAddress);
        if (peer.isEmpty() || !trusted(peer.get())) {
            return remoteAddress;
        }
        List<String> hops = new ArrayList<>();
        for (String header : forwardedFor) {
            Arrays.stream(header.split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(hops::add);
        }
        InetAddress client = peer.get();
        for (int i = hops.size() - 1, seen = 0; i >= 0 && seen < MAX_HOPS; i--, seen++) {
            Optional<InetAddress> hop = literal(hops.get(i));
            if (hop.isEmpty()) {
                break; // not an address: nothing further left can be believed
            }
            client = hop.get();
            if (!trusted(client)) {
                break;
            }
        }
        return client.getHostAddress();
    }

    boolean trusted(InetAddress address) {
        byte[] bytes = address.getAddress();
        for (Range r : ranges) {
            if (r.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    /** An IP address written as such; never a name lookup. */
    static Optional<InetAddress> literal(String text) {
        String s = text == null ? "" : text.strip();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        try {
            if (IPV4.matcher(s).matches()) {
                byte[] bytes = new byte[4];
                String[] parts = s.split("\\.");
                for (int i = 0; i < 4; i++) {
                    int octet = Integer.parseInt(parts[i]);
                    if (octet > 255) {
                        return Optional.empty();
                    }
                    bytes[i] = (byte) octet;
                }
                return Optional.of(InetAddress.getByAddress(bytes));
            }
            // with a colon in it, the JDK parses the text as an IPv6 literal or refuses it, never looks it up
            return IPV6.matcher(s).matches() ? Optional.of(InetAddress.getByName(s)) : Optional.empty();
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private record Range(byte[] network, int bits) {

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }
}
