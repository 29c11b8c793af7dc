package ma.tabiblink.web.account;

import java.util.Arrays;
import java.util.Set;

import ma.tabiblink.web.error.ApiError;
import ma.tabiblink.web.error.ApiException;

/**
 * The authenticated caller of a request, as stated by their access token. Controllers take it as a parameter and
 * check roles with {@link #requireRole}; hiding a button in the UI is never the check.
 */
public record CurrentUser(String id, String displayName, Role role, String dispensaryId, String province,
                          Set<String> specialties, String language) {

    public CurrentUser {
        specialties = Set.copyOf(specialties);
    }

    public CurrentUser requireRole(Role... allowed) {
        if (Arrays.asList(allowed).contains(role)) {
            return this;
        }
        throw new ApiException(ApiError.FORBIDDEN_ROLE, "This action is not allowed for the role " + role + ".");
    }

    public boolean is(Role candidate) {
        return role == candidate;
    }
}
