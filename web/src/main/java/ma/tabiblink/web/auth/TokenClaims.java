package ma.tabiblink.web.auth;

import java.time.Instant;
import java.util.Set;

import ma.tabiblink.web.account.CurrentUser;
import ma.tabiblink.web.account.Dispensary;
import ma.tabiblink.web.account.Role;
import ma.tabiblink.web.account.UserAccount;

/**
 * What a verified access token says about its holder.
 *
 * @param sessionId the sign-in session the token belongs to ({@code sid}); {@code null} only for tokens minted with the
 *                  signing key outside a sign-in (load testing), which the server refuses unless told otherwise
 */
public record TokenClaims(String userId, String displayName, Role role, String dispensaryId, String province,
                          Set<String> specialties, String language, Instant expiresAt, String sessionId) {

    /** The claims of a token about to be issued for {@code user} in a sign-in session (a nurse's province comes from her dispensary). */
    public static TokenClaims of(UserAccount user, Dispensary dispensary, String sessionId) {
        return new TokenClaims(user.id(), user.displayName(), user.role(), user.dispensaryId(),
                dispensary == null ? "" : dispensary.province(), user.specialties(), user.language(), null, sessionId);
    }

    /** Whether both say the same about what the holder may do: role, dispensary, province and specialties. */
    public boolean sameAuthorityAs(TokenClaims other) {
        return role == other.role && dispensaryId.equals(other.dispensaryId) && province.equals(other.province)
                && specialties.equals(other.specialties);
    }

    public CurrentUser toCurrentUser() {
        return new CurrentUser(userId, displayName, role, dispensaryId, province, specialties, language);
    }
}
