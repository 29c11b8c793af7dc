package ma.tabiblink.records.note;

import java.time.Instant;

/** Outcome of verifying a signed note version against the signer's public key. */
public record SignatureCheck(String noteId, int version, boolean valid, String signerId, String keyId,
                             String algorithm, Instant signedAt, String problem) {
}
