package ma.tabiblink.signaling.session;

import ma.tabiblink.signaling.protocol.ErrorCode;
import ma.tabiblink.signaling.protocol.ProtocolException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * What a client presents to resume its session, {@code <session id>.<secret>}: the session it names and the hash of
 * its secret. Only the hash is ever kept, in the session and in Redis.
 */
public record ResumeToken(String sessionId, String secretHash) {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A token given to the client of a new session, and the hash of its secret that the session keeps. */
    public record Issued(String token, String secretHash) {
    }

    public static Issued issue(String sessionId) {
        byte[] secretBytes = new byte[24];
        RANDOM.nextBytes(secretBytes);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        return new Issued(sessionId + "." + secret, hash(secret));
    }

    /** @throws ProtocolException RESUME_INVALID when the token is not {@code <session id>.<secret>} */
    public static ResumeToken parse(String token) {
        int dot = token.indexOf('.');
        if (dot <= 0) {
            throw new ProtocolException(ErrorCode.RESUME_INVALID, "malformed resume token");
        }
        return new ResumeToken(token.substring(0, dot), hash(token.substring(dot + 1)));
    }

    private static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable in this JVM", e);
        }
    }
}
