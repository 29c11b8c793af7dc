package ma.tabiblink.signaling.video;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;

/**
 * A self-hosted Jitsi Meet whose prosody token module ({@code authentication = "token"}) admits our participants.
 *
 * <p>Exactly one signing key: {@code secret} (HS256, prosody's {@code app_secret}) or {@code privateKey} with its
 * {@code keyId} (RS256; prosody fetches the public key from {@code asap_key_server} at
 * {@code sha256(kid).pem}). {@code subject} is the lowercase Jitsi domain, or the tenant when the base URL has one
 * path segment ({@code https://meet.example.org/tenant}); {@code audience} must be in prosody's
 * {@code asap_accepted_audiences}.
 */
public record JitsiConfig(
        URI baseUrl,
        String appId,
        String audience,
        String subject,
        String secret,
        RSAPrivateKey privateKey,
        String keyId,
        Duration grace) {

    public static final String DEFAULT_AUDIENCE = "jitsi";
    public static final Duration DEFAULT_GRACE = Duration.ofMinutes(15);
    public static final Duration MAX_GRACE = Duration.ofHours(6);
    /** RFC 7518 §3.2: an HS256 key is at least as long as the hash output. */
    public static final int MIN_SECRET_BYTES = 32;
    public static final int MIN_RSA_BITS = 2048;

    public JitsiConfig {
        baseUrl = checkedBaseUrl(baseUrl);
        if (appId == null || appId.isBlank()) {
            throw VideoException.config("Jitsi app id (TABIB_JITSI_APP_ID, the token's iss) is required");
        }
        audience = audience == null || audience.isBlank() ? DEFAULT_AUDIENCE : audience;
        subject = subject == null || subject.isBlank() ? defaultSubject(baseUrl) : subject.toLowerCase(Locale.ROOT);
        boolean hasSecret = secret != null && !secret.isEmpty();
        boolean hasKey = privateKey != null;
        if (hasSecret == hasKey) {
            throw VideoException.config(hasSecret
                    ? "Jitsi config has both an HS256 secret and an RS256 private key: choose one"
                    : "Jitsi config needs a signing key: an HS256 app secret (TABIB_JITSI_SECRET) or an RS256 private key with its kid");
        }
        if (hasSecret && secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw VideoException.config("Jitsi app secret must be at least " + MIN_SECRET_BYTES
                    + " bytes (256 bits) to sign HS256 tokens");
        }
        if (hasKey) {
            if (privateKey.getModulus().bitLength() < MIN_RSA_BITS) {
                throw VideoException.config("Jitsi RS256 private key must be at least " + MIN_RSA_BITS + " bits");
            }
            if (keyId == null || keyId.isBlank()) {
                throw VideoException.config("Jitsi RS256 private key needs its kid (the name prosody looks the public key up by)");
            }
        } else if (keyId != null) {
            throw VideoException.config("Jitsi kid is only meaningful with an RS256 private key");
        }
        grace = grace == null ? DEFAULT_GRACE : grace;
        if (grace.isNegative() || grace.compareTo(MAX_GRACE) > 0) {
            throw VideoException.config("Jitsi grace period after the consultation end must be between 0 and "
                    + MAX_GRACE.toHours() + " hours");
        }
    }

    public static JitsiConfig hs256(URI baseUrl, String appId, String secret) {
        return new JitsiConfig(baseUrl, appId, null, null, secret, null, null, null);
    }

    public static JitsiConfig rs256(URI baseUrl, String appId, RSAPrivateKey privateKey, String keyId) {
        return new JitsiConfig(baseUrl, appId, null, null, null, privateKey, keyId, null);
    }

    public JitsiConfig withAudience(String newAudience) {
        return new JitsiConfig(baseUrl, appId, newAudience, subject, secret, privateKey, keyId, grace);
    }

    public JitsiConfig withSubject(String newSubject) {
        return new JitsiConfig(baseUrl, appId, audience, newSubject, secret, privateKey, keyId, grace);
    }

    public JitsiConfig withGrace(Duration newGrace) {
        return new JitsiConfig(baseUrl, appId, audience, subject, secret, privateKey, keyId, newGrace);
    }

    public boolean signsWithRsa() {
        return privateKey != null;
    }

    /** Reads an unencrypted PKCS#8 RSA private key ({@code -----BEGIN PRIVATE KEY-----}). */
    public static RSAPrivateKey readRsaPrivateKeyPem(String pem) {
        if (pem == null || !pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw VideoException.config("Jitsi private key must be an unencrypted PKCS#8 PEM (-----BEGIN PRIVATE KEY-----);"
                    + " convert with: openssl pkcs8 -topk8 -nocrypt -in key.pem");
        }
        String base64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        try {
            byte[] der = Base64.getDecoder().decode(base64);
            return (RSAPrivateKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (IllegalArgumentException | GeneralSecurityException | ClassCastException e) {
            throw VideoException.config("Jitsi private key is not a readable RSA PKCS#8 key");
        }
    }

    /** The base URL without a trailing slash, ready to append {@code /<room>}. */
    String roomUrlPrefix() {
        String url = baseUrl.toString();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static URI checkedBaseUrl(URI url) {
        if (url == null) {
            throw VideoException.config("Jitsi base URL (TABIB_JITSI_URL) is required, e.g. https://meet.example.org");
        }
        if (!"https".equalsIgnoreCase(url.getScheme()) || url.getHost() == null) {
            throw VideoException.config("Jitsi base URL must be an https:// URL with a host, e.g. https://meet.example.org (got " + url + ")");
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null || url.getRawUserInfo() != null) {
            throw VideoException.config("Jitsi base URL must not carry a query, fragment or credentials");
        }
        String path = tenantPath(url);
        if (path.contains("/") || (!path.isEmpty() && !path.matches("[A-Za-z0-9_-]+"))) {
            throw VideoException.config("Jitsi base URL may have at most one path segment (the tenant), got " + url.getPath());
        }
        return url;
    }

    private static String tenantPath(URI url) {
        String path = url.getPath() == null ? "" : url.getPath();
        path = path.startsWith("/") ? path.substring(1) : path;
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static String defaultSubject(URI url) {
        String tenant = tenantPath(url);
        return (tenant.isEmpty() ? url.getHost() : tenant).toLowerCase(Locale.ROOT);
    }

    /** The secret and key never reach a log line. */
    @Override
    public String toString() {
        return "JitsiConfig[baseUrl=" + baseUrl + ", appId=" + appId + ", audience=" + audience + ", subject=" + subject
                + ", alg=" + (signsWithRsa() ? "RS256, kid=" + keyId : "HS256") + ", grace=" + grace + "]";
    }
}
