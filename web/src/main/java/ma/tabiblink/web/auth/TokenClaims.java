package ma.tabiblink.web.auth;

import java.time.Instant;
import java.util.Set;

import ma.tabiblink.web.account.CurrentUser;
import ma.tabiblink.web.account.Dispensary;
import ma.tabiblink.web.account.Role;
import ma.tabiblink.web.account.UserAccount;

/** What a verified access token says about its holder. */
public record TokenClaims(String userId, String displayName, Role role, String dispensaryId, String province,
                          Set<String> specialties, String language, Instant expiresAt) {

    /** The claims of a token about to be issued for {@code user} (a nurse's province comes from her dispensary). */
    public static TokenClaims of(UserAccount user, Dispensary dispensary) {
        return new TokenClaims(user.id(), user.displayName(), user.role(), user.dispensaryId(),
                dispensary == null ? "" : dispensary.province(), user.specialties(), user.language(), null);
    }

    public CurrentUser toCurrentUser() {
        return new CurrentUser(userId, displayName, role, dispensaryId, province, specialties, language);
    }
}
