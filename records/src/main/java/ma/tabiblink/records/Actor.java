package ma.tabiblink.records;

import java.util.Objects;
import java.util.Set;

/**
 * The authenticated party behind a call into the records module, as the web layer saw it.
 *
 * @param userId        user id (lowercase username), or a system name such as {@code system:signaling}
 * @param role          role that decides what may be read or written
 * @param dispensaryId  the nurse's dispensary, {@code null} for other roles
 * @param specialties   specialty codes of a specialist, empty otherwise
 * @param clientAddress where the request came from (IP address), written to the audit log
 */
public record Actor(String userId, Role role, String dispensaryId, Set<String> specialties, String clientAddress) {

    public Actor {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(role, "role");
        specialties = specialties == null ? Set.of() : Set.copyOf(specialties);
        clientAddress = clientAddress == null ? "unknown" : clientAddress;
    }

    /** The application acting on its own behalf (demo seeding, signalling events, operator commands). */
    public static Actor system(String name) {
        return new Actor("system:" + name, Role.SYSTEM, null, Set.of(), "local");
    }

    /** An operator running a key or audit command on the server's console. */
    public static Actor operator(String name) {
        return new Actor("operator:" + name, Role.ADMIN, null, Set.of(), "console");
    }

    public boolean is(Role r) {
        return role == r;
    }
}
