package ma.tabiblink.signaling.auth;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * Who is on the other end of a connection, as proven by their access token.
 *
 * @param dispensaryId the nurse's dispensary, {@code null} for other roles
 * @param province     the nurse's province, {@code null} when unknown
 * @param specialties  specialty codes a specialist may take calls for (empty for other roles)
 * @param expiresAt    when the access token the identity came from expires
 */
public record Identity(String userId, String displayName, Role role, String dispensaryId, String province,
                       Set<String> specialties, Instant expiresAt) {

    public Identity {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(expiresAt, "expiresAt");
        displayName = displayName == null || displayName.isBlank() ? userId : displayName;
        specialties = specialties == null ? Set.of() : Set.copyOf(specialties);
    }

    public boolean mayTakeCallsFor(String specialty) {
        return role == Role.SPECIALIST && specialties.contains(specialty);
    }

    /** The same person with the expiry of a freshly issued token. */
    public Identity withExpiry(Instant newExpiry) {
        return new Identity(userId, displayName, role, dispensaryId, province, specialties, newExpiry);
    }
}
