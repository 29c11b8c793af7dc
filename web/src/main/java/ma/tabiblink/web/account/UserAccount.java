package ma.tabiblink.web.account;

import java.util.Set;

/** A person who signs in. The id is the username. Nurses belong to a dispensary; specialists have specialties. */
public record UserAccount(String id, String displayName, Role role, String passwordHash, String dispensaryId,
                          Set<String> specialties, String language, boolean enabled) {

    public UserAccount {
        specialties = Set.copyOf(specialties);
        dispensaryId = dispensaryId == null ? "" : dispensaryId;
        language = language == null || language.isBlank() ? "fr" : language;
    }

    public UserAccount withPasswordHash(String hash) {
        return new UserAccount(id, displayName, role, hash, dispensaryId, specialties, language, enabled);
    }
}
