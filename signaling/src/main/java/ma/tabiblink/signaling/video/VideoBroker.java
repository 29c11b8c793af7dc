package ma.tabiblink.signaling.video;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.KeyLengthException;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Brokers the media side of a call: ICE servers with per-call TURN credentials for peer-to-peer calls, and Jitsi
 * Meet rooms with one token per participant when a call needs more people. Thread-safe.
 */
public final class VideoBroker {

    /** Tolerated clock difference between us and the Jitsi server: {@code nbf} is back-dated by this much. */
    public static final Duration JITSI_CLOCK_SKEW = Duration.ofSeconds(60);
    /** No Jitsi token lives longer than this, whatever the consultation end says. */
    public static final Duration MAX_JITSI_TOKEN_LIFETIME = Duration.ofHours(24);
    /** Lowercase letters, digits, '-' and '_': safe in a Jitsi URL path and as a MUC node without escaping. */
    public static final Pattern JITSI_ROOM_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{7,127}");

    private static final int ROOM_NAME_RANDOM_BYTES = 20;
    private static final char[] BASE32_LOWER = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final Pattern TURN_USER_ID = Pattern.compile("[^:\\p{Cntrl}\\s]{1,128}");

    private final VideoConfig config;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final JWSSigner jitsiSigner;
    private final JWSHeader jitsiHeader;

    public VideoBroker(VideoConfig config, Clock clock) {
        if (config == null || clock == null) {
            throw new IllegalArgumentException("VideoBroker needs a configuration and a clock");
        }
        this.config = config;
        this.clock = clock;
        JitsiConfig jitsi = config.jitsi().orElse(null);
        if (jitsi == null) {
            this.jitsiSigner = null;
            this.jitsiHeader = null;
        } else if (jitsi.signsWithRsa()) {
            this.jitsiSigner = new RSASSASigner(jitsi.privateKey());
            this.jitsiHeader = new JWSHeader.Builder(JWSAlgorithm.RS256)
                    .type(JOSEObjectType.JWT).keyID(jitsi.keyId()).build();
        } else {
            this.jitsiSigner = macSigner(jitsi.secret());
            this.jitsiHeader = new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build();
        }
    }

    /**
     * ICE servers for one participant of a 1:1 call. TURN entries carry a coturn REST credential: username
     * {@code "<expiry-unix-seconds>:<userId>"}, password {@code base64(HMAC-SHA1(secret, username))}.
     */
    public PeerToPeerConfig peerToPeer(String userId) {
        List<IceServer> servers = new ArrayList<>(2);
        if (!config.stunUrls().isEmpty()) {
            servers.add(IceServer.withoutCredentials(config.stunUrls()));
        }
        if (!config.turnUrls().isEmpty()) {
            if (userId == null || !TURN_USER_ID.matcher(userId).matches()) {
                throw VideoException.request("user id for a TURN credential must be 1-128 characters without ':' or spaces");
            }
            long expiry = clock.instant().plus(config.turnCredentialTtl()).getEpochSecond();
            String username = expiry + ":" + userId;
            servers.add(new IceServer(config.turnUrls(), username, turnPassword(username)));
        }
        return new PeerToPeerConfig(servers, config.iceTransportPolicy());
    }

    public boolean jitsiEnabled() {
        return jitsiSigner != null;
    }

    /** A fresh, unguessable room name: 160 random bits in lowercase base32 (32 characters of a-z and 2-7). */
    public String newJitsiRoomName() {
        byte[] bytes = new byte[ROOM_NAME_RANDOM_BYTES];
        random.nextBytes(bytes);
        StringBuilder name = new StringBuilder(ROOM_NAME_RANDOM_BYTES * 8 / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                name.append(BASE32_LOWER[(buffer >>> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        return name.toString();
    }

    /**
     * A personal invitation into {@code roomName}: a JWT that prosody's token module accepts for that room only,
     * valid from a little before now until the consultation end plus the configured grace (at most
     * {@link #MAX_JITSI_TOKEN_LIFETIME} from now).
     */
    public JitsiInvitation jitsiInvitation(String roomName, JitsiParticipant who, Instant consultationEnd) {
        JitsiConfig jitsi = config.jitsi().orElseThrow(() -> new VideoException(VideoException.JITSI_NOT_CONFIGURED,
                "no Jitsi Meet server is configured (TABIB_JITSI_URL)"));
        if (roomName == null || !JITSI_ROOM_NAME.matcher(roomName).matches()) {
            throw VideoException.request("Jitsi room name must be 8-128 lowercase letters, digits, '-' or '_'");
        }
        if (who == null || consultationEnd == null) {
            throw VideoException.request("a Jitsi invitation needs a participant and the consultation end");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant wanted = consultationEnd.plus(jitsi.grace()).truncatedTo(ChronoUnit.SECONDS);
        Instant cap = now.plus(MAX_JITSI_TOKEN_LIFETIME);
        Instant expiresAt = wanted.isBefore(cap) ? wanted : cap;
        if (!expiresAt.isAfter(now)) {
            throw new VideoException(VideoException.CONSULTATION_OVER,
                    "the consultation and its grace period are over; no new Jitsi invitation can be issued");
        }
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(jitsi.appId())
                .audience(jitsi.audience())
                .subject(jitsi.subject())
                .claim("room", roomName)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now.minus(JITSI_CLOCK_SKEW)))
                .expirationTime(Date.from(expiresAt))
                .claim("context", Map.of("user", userContext(who)))
                .build();
        SignedJWT jwt = new SignedJWT(jitsiHeader, claims);
        try {
            jwt.sign(jitsiSigner);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing a Jitsi token failed: " + e.getMessage(), e);
        }
        String token = jwt.serialize();
        String roomUrl = jitsi.roomUrlPrefix() + "/" + roomName + "?jwt=" + token;
        return new JitsiInvitation(roomName, roomUrl, token, expiresAt);
    }

    /*
     * Every value is a string: prosody's presence_identity module copies context.user into XML text and rejects
     * other types, and the moderator-granting modules accept the string "true".
     */
    private static Map<String, Object> userContext(JitsiParticipant who) {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("id", who.userId());
        user.put("name", who.displayName());
        if (who.email() != null) {
            user.put("email", who.email());
        }
        user.put("moderator", Boolean.toString(who.moderator()));
        user.put("affiliation", who.moderator() ? "owner" : "member");
        return user;
    }

    private String turnPassword(String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(config.turnSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA1 is unavailable in this JVM", e);
        }
    }

    private static JWSSigner macSigner(String secret) {
        try {
            return new MACSigner(secret.getBytes(StandardCharsets.UTF_8));
        } catch (KeyLengthException e) {
            throw VideoException.config("Jitsi app secret is too short for HS256: " + e.getMessage());
        }
    }
}
