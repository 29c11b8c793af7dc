package ma.tabiblink.web.admin;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import ma.tabiblink.web.account.AccountRepository;
import ma.tabiblink.web.account.CurrentUser;
import ma.tabiblink.web.account.Dispensary;
import ma.tabiblink.web.account.Languages;
import ma.tabiblink.web.account.PasswordHasher;
import ma.tabiblink.web.account.Role;
import ma.tabiblink.web.account.UserAccount;
import ma.tabiblink.web.error.ApiException;

/** Users, dispensaries and specialties: administrators change them; every signed-in user can read the directories. */
@RestController
@RequestMapping("/api/v1")
@Tag(name = "Administration", description = "Users, dispensaries (with province) and specialties")
class AdminController {

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{1,63}");
    private static final int MIN_PASSWORD_LENGTH = 10;

    private final AccountRepository accounts;
    private final PasswordHasher hasher;

    AdminController(AccountRepository accounts, PasswordHasher hasher) {
        this.accounts = accounts;
        this.hasher = hasher;
    }

    @GetMapping("/specialties")
    @Operation(summary = "The specialties that can be called or booked")
    Set<String> specialties(CurrentUser user) {
        return accounts.specialties();
    }

    @GetMapping("/dispensaries")
    @Operation(summary = "Dispensaries and their provinces")
    List<Dispensary> dispensaries(CurrentUser user) {
        return accounts.allDispensaries();
    }

    @GetMapping("/staff")
    @Operation(summary = "Staff directory (coordinators and administrators): names, roles, dispensaries, specialties")
    List<StaffView> staff(CurrentUser user) {
        user.requireRole(Role.COORDINATOR, Role.ADMIN);
        return accounts.allUsers().stream().map(StaffView::of).toList();
    }

    @PostMapping("/admin/users")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Create a user (administrators)")
    StaffView createUser(@Valid @RequestBody NewUser request, CurrentUser user) {
        user.requireRole(Role.ADMIN);
        String id = request.id().strip().toLowerCase(Locale.ROOT);
        if (!ID.matcher(id).matches()) {
            throw new ApiException(400, "INVALID_USER_ID", "A user id is 2–64 lowercase letters, digits, '.', '_' or '-'.");
        }
        if (request.password().length() < MIN_PASSWORD_LENGTH) {
            throw new ApiException(400, "WEAK_PASSWORD", "A password has at least " + MIN_PASSWORD_LENGTH + " characters.");
        }
        String language = request.language() == null ? "fr" : request.language();
        if (!Languages.supported(language)) {
            throw new ApiException(400, "UNSUPPORTED_LANGUAGE", "Language must be one of ar, fr, en.");
        }
        String dispensary = request.dispensaryId() == null ? "" : request.dispensaryId();
        Set<String> specialties = request.specialties() == null ? Set.of() : request.specialties();
        if (request.role() == Role.NURSE && accounts.findDispensary(dispensary).isEmpty()) {
            throw new ApiException(400, "UNKNOWN_DISPENSARY", "A nurse belongs to an existing dispensary.");
        }
        if (request.role() == Role.SPECIALIST && (specialties.isEmpty() || !accounts.specialties().containsAll(specialties))) {
            throw new ApiException(400, "UNKNOWN_SPECIALTY", "A specialist has one or more known specialties.");
        }
        UserAccount account = new UserAccount(id, request.displayName().strip(), request.role(),
                hasher.hash(request.password()), request.role() == Role.NURSE ? dispensary : "",
                request.role() == Role.SPECIALIST ? specialties : Set.of(), language, true);
        if (!accounts.createUserIfAbsent(account)) {
            throw new ApiException(409, "USER_EXISTS", "A user with this id already exists.");
        }
        return StaffView.of(account);
    }

    @PutMapping("/admin/users/{id}/enabled")
    @Operation(summary = "Enable or disable a user (administrators); a disabled user cannot sign in or refresh")
    StaffView setEnabled(@PathVariable String id, @Valid @RequestBody Enabled request, CurrentUser user) {
        user.requireRole(Role.ADMIN);
        UserAccount account = accounts.findUser(id)
                .orElseThrow(() -> new ApiException(404, "UNKNOWN_USER", "No user with this id."));
        if (account.id().equals(user.id()) && !request.enabled()) {
            throw new ApiException(400, "CANNOT_DISABLE_SELF", "Administrators cannot disable their own account.");
        }
        UserAccount changed = new UserAccount(account.id(), account.displayName(), account.role(), account.passwordHash(),
                account.dispensaryId(), account.specialties(), account.language(), request.enabled());
        accounts.saveUser(changed);
        return StaffView.of(changed);
    }

    @PostMapping("/admin/dispensaries")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Add or rename a dispensary (administrators)")
    Dispensary saveDispensary(@Valid @RequestBody NewDispensary request, CurrentUser user) {
        user.requireRole(Role.ADMIN);
        String id = request.id().strip().toLowerCase(Locale.ROOT);
        if (!ID.matcher(id).matches()) {
            throw new ApiException(400, "INVALID_DISPENSARY_ID", "A dispensary id is 2–64 lowercase letters, digits, '.', '_' or '-'.");
        }
        Dispensary dispensary = new Dispensary(id, request.name().strip(), request.province().strip());
        accounts.saveDispensary(dispensary);
        return dispensary;
    }

    @PostMapping("/admin/specialties")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Add a specialty code (administrators)")
    Set<String> addSpecialty(@Valid @RequestBody NewSpecialty request, CurrentUser user) {
        user.requireRole(Role.ADMIN);
        String code = request.code().strip().toLowerCase(Locale.ROOT);
        if (!ID.matcher(code).matches()) {
            throw new ApiException(400, "INVALID_SPECIALTY", "A specialty code is 2–64 lowercase letters, digits, '.', '_' or '-'.");
        }
        accounts.addSpecialties(Set.of(code));
        return accounts.specialties();
    }

    record NewUser(@NotBlank @Size(max = 64) String id, @NotBlank @Size(max = 120) String displayName, @NotNull Role role,
                   @NotBlank @Size(max = 256) String password, String dispensaryId, Set<String> specialties, String language) {
    }

    record Enabled(boolean enabled) {
    }

    record NewDispensary(@NotBlank @Size(max = 64) String id, @NotBlank @Size(max = 160) String name,
                         @NotBlank @Size(max = 80) String province) {
    }

    record NewSpecialty(@NotBlank @Size(max = 64) String code) {
    }

    record StaffView(String id, String displayName, Role role, String dispensaryId, Set<String> specialties,
                     String language, boolean enabled) {
        static StaffView of(UserAccount a) {
            return new StaffView(a.id(), a.displayName(), a.role(), a.dispensaryId(), a.specialties(), a.language(), a.enabled());
        }
    }
}
