package ma.tabiblink.records.keys;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import ma.tabiblink.records.RecordsError;
import ma.tabiblink.records.RecordsException;

/**
 * Envelope encryption with the JDK's AES-256-GCM: every {@link #seal} draws a fresh 256-bit data key and a random
 * 96-bit nonce (a data key encrypts exactly one plaintext, so a nonce can never repeat under a key), then wraps the
 * data key with the current key-encryption key, again with AES-256-GCM and a random nonce.
 *
 * <p>Formats (text, so they sit in Redis hashes as they are):
 * <pre>
 *   wrapped data key  tl-records-kek.&lt;version&gt;.A256GCMKW.&lt;nonce b64url&gt;.&lt;wrapped key + tag b64url&gt;
 *   ciphertext        A256GCM.&lt;nonce b64url&gt;.&lt;ciphertext + tag b64url&gt;
 * </pre>
 * The header of the wrapped key (key id, key version, algorithm) and the owner (the Redis key of the record holding
 * it) are the associated data of the wrap; the caller's binding (patient, consultation, note, version) plus the
 * algorithm is the associated data of the ciphertext. A wrapped key or ciphertext moved onto another record, or any
 * flipped byte, fails with {@link RecordsError#INTEGRITY_FAILURE}.
 */
public final class Envelope {

    public static final String DATA_ALGORITHM = "A256GCM";
    public static final String WRAP_ALGORITHM = "A256GCMKW";
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int DATA_KEY_BYTES = 32;

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final KeyRing ring;
    private final SecureRandom random = new SecureRandom();

    public Envelope(KeyRing ring) {
        this.ring = ring;
    }

    /** A sealed value: wrapped data key (with its header) and the ciphertext. */
    public record Sealed(String wrappedKey, int kekVersion, String ciphertext) {
    }

    /** A data key re-wrapped under another KEK version. */
    public record Rewrapped(String wrappedKey, int kekVersion) {
    }

    public Sealed seal(byte[] plaintext, String binding, String owner) {
        byte[] dataKey = new byte[DATA_KEY_BYTES];
        random.nextBytes(dataKey);
        try {
            String ciphertext = encrypt(new SecretKeySpec(dataKey, "AES"), plaintext, dataAad(binding), DATA_ALGORITHM);
            int version = ring.currentVersion();
            String wrapped = wrap(dataKey, version, ring.kek(version), owner);
            return new Sealed(wrapped, version, ciphertext);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    public byte[] open(String wrappedKey, String ciphertext, String binding, String owner) {
        byte[] dataKey = unwrap(wrappedKey, owner);
        try {
            return decrypt(new SecretKeySpec(dataKey, "AES"), ciphertext, dataAad(binding), DATA_ALGORITHM);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /** Unwraps and wraps again under the current KEK; the ciphertext the data key protects is not touched. */
    public Rewrapped rewrap(String wrappedKey, String owner) {
        byte[] dataKey = unwrap(wrappedKey, owner);
        try {
            int version = ring.currentVersion();
            return new Rewrapped(wrap(dataKey, version, ring.kek(version), owner), version);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /** Checks that a wrapped data key opens under its KEK version (operator verify), without returning it. */
    public void checkUnwraps(String wrappedKey, String owner) {
        Arrays.fill(unwrap(wrappedKey, owner), (byte) 0);
    }

    /** The KEK version named in a wrapped key's header. */
    public static int kekVersionOf(String wrappedKey) {
        return parseWrapped(wrappedKey).version();
    }

    private record WrappedParts(String header, int version, byte[] nonce, byte[] body) {
    }

    private static WrappedParts parseWrapped(String wrappedKey) {
        String[] parts = wrappedKey == null ? new String[0] : wrappedKey.split("\\.");
        if (parts.length != 5 || !parts[0].equals(KeyRing.KEY_ID) || !parts[2].equals(WRAP_ALGORITHM)) {
            throw RecordsException.integrity("The stored data key header is malformed");
        }
        try {
            int version = Integer.parseInt(parts[1]);
            return new WrappedParts(parts[0] + "." + parts[1] + "." + parts[2], version,
                    B64D.decode(parts[3]), B64D.decode(parts[4]));
        } catch (IllegalArgumentException e) {
            throw RecordsException.integrity("The stored data key header is malformed");
        }
    }

    private String wrap(byte[] dataKey, int version, SecretKey kek, String owner) {
        String header = KeyRing.KEY_ID + "." + version + "." + WRAP_ALGORITHM;
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] body = gcm(Cipher.ENCRYPT_MODE, kek, nonce, wrapAad(header, owner), dataKey);
        return header + "." + B64.encodeToString(nonce) + "." + B64.encodeToString(body);
    }

    private byte[] unwrap(String wrappedKey, String owner) {
        WrappedParts p = parseWrapped(wrappedKey);
        SecretKey kek = ring.kek(p.version());
        byte[] key = gcm(Cipher.DECRYPT_MODE, kek, p.nonce(), wrapAad(p.header(), owner), p.body());
        if (key.length != DATA_KEY_BYTES) {
            throw RecordsException.integrity("The stored data key has the wrong length");
        }
        return key;
    }

    private String encrypt(SecretKey key, byte[] plaintext, byte[] aad, String alg) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] body = gcm(Cipher.ENCRYPT_MODE, key, nonce, aad, plaintext);
        return alg + "." + B64.encodeToString(nonce) + "." + B64.encodeToString(body);
    }

    private static byte[] decrypt(SecretKey key, String ciphertext, byte[] aad, String alg) {
        String[] parts = ciphertext == null ? new String[0] : ciphertext.split("\\.");
        if (parts.length != 3 || !parts[0].equals(alg)) {
            throw RecordsException.integrity("The stored ciphertext header is malformed");
        }
        byte[] nonce;
        byte[] body;
        try {
            nonce = B64D.decode(parts[1]);
            body = B64D.decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw RecordsException.integrity("The stored ciphertext is not valid base64");
        }
        return gcm(Cipher.DECRYPT_MODE, key, nonce, aad, body);
    }

    private static byte[] gcm(int mode, SecretKey key, byte[] nonce, byte[] aad, byte[] input) {
        if (nonce.length != NONCE_BYTES) {
            throw RecordsException.integrity("The stored nonce has the wrong length");
        }
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad);
            return cipher.doFinal(input);
        } catch (AEADBadTagException e) {
            throw new RecordsException(RecordsError.INTEGRITY_FAILURE,
                    "The stored data failed its integrity check (tampered, damaged or moved from another record)");
        } catch (GeneralSecurityException e) {
            throw new RecordsException(RecordsError.INTEGRITY_FAILURE, "The stored data cannot be decrypted", e);
        }
    }

    private static byte[] wrapAad(String header, String owner) {
        return ("tl-rec-dek|" + header + "|" + owner).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] dataAad(String binding) {
        return ("tl-rec-data|" + DATA_ALGORITHM + "|" + binding).getBytes(StandardCharsets.UTF_8);
    }
}
