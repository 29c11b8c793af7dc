package ma.tabiblink.signaling.video;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where calls get their media paths: STUN and TURN servers for peer-to-peer calls (TURN with coturn's
 * {@code use-auth-secret} REST credentials), and optionally a self-hosted Jitsi Meet for calls with more people.
 *
 * <p>TURN urls follow RFC 7065, e.g. {@code turn:turn.example.org:3478?transport=udp},
 * {@code turn:turn.example.org:3478?transport=tcp}, {@code turns:turn.example.org:443?transport=tcp} (TURN over TLS
 * on 443 for networks that block UDP). A credential lives at most an hour, so that a leaked one is soon worthless;
 * every call acceptance and every resume hands out a fresh one. coturn re-checks the expiry when an allocation is
 * refreshed.
 */
public record VideoConfig(
        List<String> stunUrls,
        List<String> turnUrls,
        String turnSecret,
        Duration turnCredentialTtl,
        String iceTransportPolicy,
        Optional<JitsiConfig> jitsi) {

    public static final String ICE_POLICY_ALL = "all";
    public static final String ICE_POLICY_RELAY = "relay";
    public static final Duration DEFAULT_TURN_TTL = Duration.ofHours(1);
    public static final Duration MIN_TURN_TTL = Duration.ofMinutes(5);
    public static final Duration MAX_TURN_TTL = Duration.ofHours(1);

    private static final Pattern ICE_URL = Pattern.compile(
            "(stuns?|turns?):(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::(\\d{1,5}))?(\\?transport=(udp|tcp))?");

    public VideoConfig {
        stunUrls = stunUrls == null ? List.of() : List.copyOf(stunUrls);
        turnUrls = turnUrls == null ? List.of() : List.copyOf(turnUrls);
        stunUrls.forEach(url -> checkUrl(url, false));
        turnUrls.forEach(url -> checkUrl(url, true));
        turnSecret = turnSecret == null || turnSecret.isEmpty() ? null : turnSecret;
        if (!turnUrls.isEmpty() && turnSecret == null) {
            throw VideoException.config("TURN urls are configured but the TURN shared secret (TABIB_TURN_SECRET,"
                    + " coturn's static-auth-secret) is missing");
        }
        if (turnUrls.isEmpty() && turnSecret != null) {
            throw VideoException.config("a TURN shared secret is configured but no TURN url (TABIB_TURN_URLS)");
        }
        turnCredentialTtl = turnCredentialTtl == null ? DEFAULT_TURN_TTL : turnCredentialTtl;
        if (turnCredentialTtl.compareTo(MIN_TURN_TTL) < 0 || turnCredentialTtl.compareTo(MAX_TURN_TTL) > 0) {
            throw VideoException.config("TURN credential TTL must be between " + MIN_TURN_TTL.toMinutes() + " and "
                    + MAX_TURN_TTL.toMinutes() + " minutes, got " + turnCredentialTtl);
        }
        iceTransportPolicy = iceTransportPolicy == null ? ICE_POLICY_ALL : iceTransportPolicy;
        if (!ICE_POLICY_ALL.equals(iceTransportPolicy) && !ICE_POLICY_RELAY.equals(iceTransportPolicy)) {
            throw VideoException.config("ICE transport policy must be \"all\" or \"relay\", got \"" + iceTransportPolicy + "\"");
        }
        if (ICE_POLICY_RELAY.equals(iceTransportPolicy) && turnUrls.isEmpty()) {
            throw VideoException.config("ICE transport policy \"relay\" needs at least one TURN url");
        }
        jitsi = jitsi == null ? Optional.empty() : jitsi;
    }

    /** Peer-to-peer through STUN only (enough on a LAN or for tests); no TURN, no Jitsi. */
    public static VideoConfig stunOnly(List<String> stunUrls) {
        return new VideoConfig(stunUrls, List.of(), null, DEFAULT_TURN_TTL, ICE_POLICY_ALL, Optional.empty());
    }

    public VideoConfig withTurn(List<String> newTurnUrls, String newTurnSecret) {
        return new VideoConfig(stunUrls, newTurnUrls, newTurnSecret, turnCredentialTtl, iceTransportPolicy, jitsi);
    }

    public VideoConfig withTurnCredentialTtl(Duration ttl) {
        return new VideoConfig(stunUrls, turnUrls, turnSecret, ttl, iceTransportPolicy, jitsi);
    }

    public VideoConfig withIceTransportPolicy(String policy) {
        return new VideoConfig(stunUrls, turnUrls, turnSecret, turnCredentialTtl, policy, jitsi);
    }

    public VideoConfig withJitsi(JitsiConfig jitsiConfig) {
        return new VideoConfig(stunUrls, turnUrls, turnSecret, turnCredentialTtl, iceTransportPolicy, Optional.of(jitsiConfig));
    }

    /** Splits a comma- or whitespace-separated list as found in an environment variable; blank gives an empty list. */
    public static List<String> parseUrlList(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return Arrays.stream(value.trim().split("[,\\s]+")).filter(s -> !s.isEmpty()).toList();
    }

    private static void checkUrl(String url, boolean turn) {
        String kind = turn ? "TURN" : "STUN";
        Matcher m = url == null ? null : ICE_URL.matcher(url);
        if (m == null || !m.matches()) {
            throw VideoException.config(kind + " url \"" + url + "\" is malformed; expected e.g. "
                    + (turn ? "turn:turn.example.org:3478?transport=udp or turns:turn.example.org:443?transport=tcp"
                            : "stun:stun.example.org:3478"));
        }
        String scheme = m.group(1);
        if (scheme.startsWith("turn") != turn) {
            throw VideoException.config(kind + " url \"" + url + "\" has the wrong scheme (" + scheme + ":)");
        }
        if (!turn && m.group(4) != null) {
            throw VideoException.config("STUN url \"" + url + "\" must not carry a ?transport parameter");
        }
        if ("turns".equals(scheme) && "udp".equals(m.group(5))) {
            throw VideoException.config("TURN url \"" + url + "\": turns: runs over TLS, so its transport is tcp");
        }
        if (m.group(3) != null) {
            int port = Integer.parseInt(m.group(3));
            if (port < 1 || port > 65535) {
                throw VideoException.config(kind + " url \"" + url + "\" has an invalid port");
            }
        }
    }

    /** The TURN secret never reaches a log line. */
    @Override
    public String toString() {
        return "VideoConfig[stunUrls=" + stunUrls + ", turnUrls=" + turnUrls + ", turnSecret="
                + (turnSecret == null ? "none" : "***") + ", turnCredentialTtl=" + turnCredentialTtl
                + ", iceTransportPolicy=" + iceTransportPolicy + ", jitsi=" + jitsi + "]";
    }
}
