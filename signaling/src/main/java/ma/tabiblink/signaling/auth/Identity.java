package ma.tabiblink.signaling.auth;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * Who is on the other end of a connection, as proven by their access token.
 *
 * @param dispensaryId  the nurse's dispensary, {@code null} for other roles
 * @param province      the nurse's province, {@code null} when unknown
 * @param specialties   specialty codes a specialist may take calls for (empty for other roles)
 * @param expiresAt     when the access token the identity came from expires
 * @param signInSession the sign-in session the token belongs to (its refreshes, sign-out and limits end the
 *                      connection too); {@code null} for a token minted outside a sign-in, which is never refreshed
 */
public record Identity(String userId, String displayName, Role role, String dispensaryId, String province,
                       Set<String> specialties, Instant expiresAt, String signInSession) {

    public Identity {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(expiresAt, "expiresAt");
        displayName = displayName == null || displayName.isBlank() ? userId : displayName;
        dispensaryId = PlaceNames.shared(dispensaryId);
        province = PlaceNames.shared(province);
        specialties = specialties == null ? Set.of() : Set.copyOf(specialties);
    }

    /** An identity that belongs to no sign-in session. */
    public Identity(String userId, String displayName, Role role, String dispensaryId, String province,
                    Set<String> specialties, Instant expiresAt) {
        this(userId, displayName, role, dispensaryId, province, specialties, expiresAt, null);
    }

    /** The same person with the expiry of a freshly issued token. */
    public Identity withExpiry(Instant newExpiry) {
        return new Identity(userId, displayName, role, dispensaryId, province, specialties, newExpiry, signInSession);
    }
}
