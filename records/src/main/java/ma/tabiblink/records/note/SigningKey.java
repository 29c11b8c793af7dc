package ma.tabiblink.records.note;

import java.time.Instant;

/** A specialist's public signing key (X.509 SubjectPublicKeyInfo, base64), for verification outside the server. */
public record SigningKey(String userId, String keyId, String algorithm, String publicKey, Instant createdAt) {
}
