package ma.tabiblink.signaling.cluster;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals what the signalling nodes keep in Redis but must not leave readable there, nor in its append-only file or
 * its backups: the chief complaint a nurse types with an urgent call, and every server message stored for a parked
 * session or passed to a session on another node (access tokens, TURN credentials, Jitsi tokens, the complaint again).
 * <p>
 * AES-256-GCM under a key every node of the cluster shares. Each node seals under a subkey of its own,
 * HMAC-SHA256(key, salt) with a random 128-bit salt renewed every {@link #SEALS_PER_SUBKEY} seals, so random 96-bit
 * nonces stay far below the collision bound however long the shared key lives. The associated data binds a sealed
 * value to what it belongs to (a call, a session), so it cannot be moved onto another. Sealed text:
 * {@code s1.<salt>.<nonce + ciphertext + tag>}, both parts base64url.
 */
public final class StateCipher {

    /** Raised when a sealed value was made under another key or altered. */
    public static final class Unreadable extends RuntimeException {
        Unreadable(String message) {
            super(message);
        }
    }

    static final long SEALS_PER_SUBKEY = 1L << 28;
    private static final String FORMAT = "s1";
    private static final int KEY_BYTES = 32;
    private static final int SALT_BYTES = 16;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int MAX_CACHED_SUBKEYS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    });

    private final SecretKey derivationKey;
    private final Map<String, SecretKey> subkeys = new ConcurrentHashMap<>();
    private final AtomicLong seals = new AtomicLong();
    private volatile Subkey current;

    private record Subkey(String salt, SecretKey key) {
    }

    public StateCipher(SecretKey key) {
        Objects.requireNonNull(key, "key");
        if (key.getEncoded() == null || key.getEncoded().length != KEY_BYTES) {
            throw new IllegalArgumentException("the signalling state key must be 256 bits");
        }
        this.derivationKey = new SecretKeySpec(key.getEncoded(), "HmacSHA256");
        this.current = freshSubkey();
    }

    /** A new random 256-bit key. */
    public static SecretKey generateKey() {
        byte[] k = new byte[KEY_BYTES];
        RANDOM.nextBytes(k);
        return new SecretKeySpec(k, "AES");
    }

    /** The key from its 32 raw bytes. */
    public static SecretKey key(byte[] raw) {
        if (raw == null || raw.length != KEY_BYTES) {
            throw new IllegalArgumentException("the signalling state key must be 32 bytes (256 bits)");
        }
        return new SecretKeySpec(raw.clone(), "AES");
    }

    /** Seals {@code plain} for {@code context} (e.g. {@code "msg|<sessionId>"}). */
    public String seal(String plain, String context) {
        Subkey sub = current;
        if (seals.incrementAndGet() % SEALS_PER_SUBKEY == 0) {
            sub = freshSubkey();
            current = sub;
        }
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher c = CIPHERS.get();
            c.init(Cipher.ENCRYPT_MODE, sub.key(), new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(aad(context));
            byte[] sealed = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return FORMAT + "." + sub.salt() + "." + B64.encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    /** Opens what {@link #seal} made for the same context; {@link Unreadable} otherwise. */
    public String open(String sealed, String context) {
        String[] parts = sealed == null ? new String[0] : sealed.split("\\.", -1);
        if (parts.length != 3 || !FORMAT.equals(parts[0])) {
            throw new Unreadable("not a sealed value");
        }
        try {
            byte[] in = B64D.decode(parts[2]);
            if (in.length < NONCE_BYTES + TAG_BITS / 8) {
                throw new Unreadable("a sealed value is truncated");
            }
            Cipher c = CIPHERS.get();
            c.init(Cipher.DECRYPT_MODE, subkey(parts[1]), new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            c.updateAAD(aad(context));
            return new String(c.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new Unreadable("a sealed value does not open: sealed under another key, altered, or moved");
        }
    }

    private Subkey freshSubkey() {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        String encoded = B64.encodeToString(salt);
        return new Subkey(encoded, subkey(encoded));
    }

    private SecretKey subkey(String salt) {
        SecretKey known = subkeys.get(salt);
        if (known != null) {
            return known;
        }
        byte[] raw = B64D.decode(salt);
        if (raw.length != SALT_BYTES) {
            throw new IllegalArgumentException("bad salt");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(derivationKey);
            mac.update("tabib-link/signaling-state/v1|".getBytes(StandardCharsets.US_ASCII));
            SecretKey derived = new SecretKeySpec(mac.doFinal(raw), "AES");
            if (subkeys.size() >= MAX_CACHED_SUBKEYS) {
                subkeys.clear();
            }
            subkeys.put(salt, derived);
            return derived;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    private static byte[] aad(String context) {
        return ("tl-sig|" + context).getBytes(StandardCharsets.UTF_8);
    }
}
