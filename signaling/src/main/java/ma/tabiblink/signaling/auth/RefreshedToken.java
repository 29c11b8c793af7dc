package ma.tabiblink.signaling.auth;

import java.time.Instant;
import java.util.Objects;

/** A freshly issued access token pushed to a connected client before its current one expires. */
public record RefreshedToken(String accessToken, Instant expiresAt) {

    public RefreshedToken {
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    @Override
    public String toString() {
        return "RefreshedToken[expiresAt=" + expiresAt + "]";
    }
}
