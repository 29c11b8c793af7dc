package ma.tabiblink.records.note;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import ma.tabiblink.records.RecordsException;
import ma.tabiblink.records.RedisKeys;
import ma.tabiblink.records.keys.Envelope;
import ma.tabiblink.redisscript.RedisScript;
import redis.clients.jedis.UnifiedJedis;

/**
 * Per-specialist Ed25519 signing keys (JDK), created on the first signature. The private key is kept encrypted under
 * a data key wrapped by the KEK, like every other secret of the module; the public key is stored in clear and
 * exposed for verification.
 */
public final class SigningKeys {

    public static final String ALGORITHM = "Ed25519";

    private final UnifiedJedis redis;
    private final Clock clock;
    private final Envelope envelope;
    private final RedisScript create = RedisScript.load(SigningKeys.class, "create_signer.lua");

    public SigningKeys(UnifiedJedis redis, Clock clock, Envelope envelope) {
        this.redis = redis;
        this.clock = clock;
        this.envelope = envelope;
    }

    /** A detached signature and the id of the key that made it. */
    record Signed(String signature, String keyId) {
    }

    Signed sign(String userId, byte[] input) {
        Map<String, String> h = ensureKey(userId);
        byte[] pkcs8 = envelope.open(h.get("dk"), h.get("sk"), binding(userId), RedisKeys.signer(userId));
        try {
            PrivateKey key = KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(key);
            s.update(input);
            return new Signed(Base64.getEncoder().encodeToString(s.sign()), h.get("keyId"));
        } catch (GeneralSecurityException e) {
            throw RecordsException.integrity("The signing key of " + userId + " is unusable");
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    /** True when {@code signature} over {@code input} verifies with the key {@code keyId} of {@code userId}. */
    boolean verify(String userId, String keyId, byte[] input, String signature) {
        Optional<SigningKey> key = publicKey(userId);
        if (key.isEmpty() || !key.get().keyId().equals(keyId)) {
            return false;
        }
        try {
            PublicKey pub = KeyFactory.getInstance(ALGORITHM)
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(key.get().publicKey())));
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(pub);
            s.update(input);
            return s.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    public Optional<SigningKey> publicKey(String userId) {
        Map<String, String> h = redis.hgetAll(RedisKeys.signer(userId));
        if (h.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SigningKey(userId, h.get("keyId"), h.get("alg"), h.get("pub"),
                Instant.parse(h.get("createdAt"))));
    }

    private Map<String, String> ensureKey(String userId) {
        String redisKey = RedisKeys.signer(userId);
        Map<String, String> h = redis.hgetAll(redisKey);
        if (!h.isEmpty()) {
            return h;
        }
        KeyPair pair;
        try {
            pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is not available in this JDK", e);
        }
        byte[] pkcs8 = pair.getPrivate().getEncoded();
        byte[] spki = pair.getPublic().getEncoded();
        Envelope.Sealed sealed = envelope.seal(pkcs8, binding(userId), redisKey);
        Arrays.fill(pkcs8, (byte) 0);
        Map<String, String> f = new LinkedHashMap<>();
        f.put("dk", sealed.wrappedKey());
        f.put("kv", Integer.toString(sealed.kekVersion()));
        f.put("sk", sealed.ciphertext());
        f.put("pub", Base64.getEncoder().encodeToString(spki));
        f.put("alg", ALGORITHM);
        f.put("keyId", keyId(spki));
        f.put("createdAt", clock.instant().toString());
        List<String> args = new ArrayList<>();
        f.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        create.run(redis, List.of(redisKey, RedisKeys.kekUsers(sealed.kekVersion())), args);
        return redis.hgetAll(redisKey);
    }

    private static String binding(String userId) {
        return "signer=" + userId + "|part=private-key";
    }

    private static String keyId(byte[] spki) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(spki);
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
