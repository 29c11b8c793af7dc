package ma.tabiblink.web.auth;

import java.time.Instant;
import java.util.Set;

import ma.tabiblink.web.account.CurrentUser;
import ma.tabiblink.web.account.Role;

/** What a verified access token says about its holder. */
public record TokenClaims(String userId, String displayName, Role role, String dispensaryId, String province,
                          Set<String> specialties, String language, Instant expiresAt) {

    public CurrentUser toCurrentUser() {
        return new CurrentUser(userId, displayName, role, dispensaryId, province, specialties, language);
    }
}
