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
import jakarta.servlet.http.HttpServletRequest;
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
import ma.tabiblink.web.auth.AccountAudit;
import ma.tabiblink.web.auth.AuthService;
import ma.tabiblink.web.auth.SessionRevocations;
import ma.tabiblink.web.error.ApiError;
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
    private final AuthService auth;
    private final AccountAudit audit;

    AdminController(AccountRepository accounts, PasswordHasher hasher, AuthService auth, AccountAudit audit) {
        this.accounts = accounts;
        this.hasher = hasher;
        this.auth = auth;
        this.audit = audit;
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
    StaffView createUser(@Valid @RequestBody NewUser request, CurrentUser user, HttpServletRequest http) {
        user.requireRole(Role.ADMIN);
        String id = request.id().strip().toLowerCase(Locale.ROOT);
        if (!ID.matcher(id).matches()) {
            throw new ApiException(ApiError.INVALID_USER_ID,
                    "A user id is 2–64 lowercase letters, digits, '.', '_' or '-'.");
        }
        if (request.password().length() < MIN_PASSWORD_LENGTH) {
            throw new ApiException(ApiError.WEAK_PASSWORD,
                    "A password has at least " + MIN_PASSWORD_LENGTH + " characters.");
        }
        String language = request.language() == null ? "fr" : request.language();
        if (!Languages.supported(language)) {
            throw new ApiException(ApiError.UNSUPPORTED_LANGUAGE, "Language must be one of ar, fr, en.");
        }
        Assignment assignment = assignment(request.role(), request.dispensaryId(), request.specialties());
        UserAccount account = new UserAccount(id, request.displayName().strip(), request.role(),
                hasher.hash(request.password()), assignment.dispensaryId(), assignment.specialties(), language, true);
        if (!accounts.createUserIfAbsent(account)) {
            throw new ApiException(ApiError.USER_EXISTS, "A user with this id already exists.");
        }
        audit.accountCreated(user, account, http.getRemoteAddr());
        return StaffView.of(account);
    }

    @PutMapping("/admin/users/{id}/enabled")
    @Operation(summary = "Enable or disable a user (administrators); disabling ends the user's sessions at once: "
            + "their tokens stop working and their sockets close on every node")
    StaffView setEnabled(@PathVariable String id, @Valid @RequestBody Enabled request, CurrentUser user,
                         HttpServletRequest http) {
        user.requireRole(Role.ADMIN);
        UserAccount account = accounts.findUser(id)
                .orElseThrow(() -> new ApiException(ApiError.UNKNOWN_USER, "No user with this id."));
        if (account.id().equals(user.id()) && !request.enabled()) {
            throw new ApiException(ApiError.CANNOT_DISABLE_SELF, "Administrators cannot disable their own account.");
        }
        UserAccount changed = new UserAccount(account.id(), account.displayName(), account.role(), account.passwordHash(),
                account.dispensaryId(), account.specialties(), account.language(), request.enabled());
        accounts.saveUser(changed);
        if (!changed.enabled()) {
            auth.endAllSessions(changed.id(), SessionRevocations.Reason.ACCOUNT_DISABLED);
        }
        if (changed.enabled() != account.enabled()) {
            audit.enabledChanged(user, changed, http.getRemoteAddr());
        }
        return StaffView.of(changed);
    }

    @PutMapping("/admin/users/{id}/role")
    @Operation(summary = "Change a user's role, dispensary or specialties (administrators); ends the user's sessions "
            + "at once, since their tokens state the old ones")
    StaffView changeRole(@PathVariable String id, @Valid @RequestBody RoleChange request, CurrentUser user,
                         HttpServletRequest http) {
        user.requireRole(Role.ADMIN);
        UserAccount account = accounts.findUser(id)
                .orElseThrow(() -> new ApiException(ApiError.UNKNOWN_USER, "No user with this id."));
        if (account.id().equals(user.id()) && request.role() != Role.ADMIN) {
            throw new ApiException(ApiError.CANNOT_DEMOTE_SELF,
                    "Administrators cannot take their own administrator role.");
        }
        Assignment assignment = assignment(request.role(), request.dispensaryId(), request.specialties());
        UserAccount changed = new UserAccount(account.id(), account.displayName(), request.role(), account.passwordHash(),
                assignment.dispensaryId(), assignment.specialties(), account.language(), account.enabled());
        if (changed.equals(account)) {
            return StaffView.of(account);
        }
        accounts.saveUser(changed);
        auth.endAllSessions(changed.id(), SessionRevocations.Reason.ACCOUNT_CHANGED);
        audit.roleChanged(user, account, changed, http.getRemoteAddr());
        return StaffView.of(changed);
    }

    /** Where a user of this role works: a nurse in an existing dispensary, a specialist in known specialties. */
    private Assignment assignment(Role role, String dispensaryId, Set<String> specialties) {
        String dispensary = dispensaryId == null ? "" : dispensaryId;
        Set<String> codes = specialties == null ? Set.of() : specialties;
        if (role == Role.NURSE && accounts.findDispensary(dispensary).isEmpty()) {
            throw new ApiException(ApiError.UNKNOWN_DISPENSARY, "A nurse belongs to an existing dispensary.");
        }
        if (role == Role.SPECIALIST && (codes.isEmpty() || !accounts.specialties().containsAll(codes))) {
            throw new ApiException(ApiError.UNKNOWN_SPECIALTY, "A specialist has one or more known specialties.");
        }
        return new Assignment(role == Role.NURSE ? dispensary : "", role == Role.SPECIALIST ? codes : Set.of());
    }

    private record Assignment(String dispensaryId, Set<String> specialties) {
    }

    @PostMapping("/admin/dispensaries")
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(summary = "Add or rename a dispensary (administrators)")
    Dispensary saveDispensary(@Valid @RequestBody NewDispensary request, CurrentUser user) {
        user.requireRole(Role.ADMIN);
        String id = request.id().strip().toLowerCase(Locale.ROOT);
        if (!ID.matcher(id).matches()) {
            throw new ApiException(ApiError.INVALID_DISPENSARY_ID,
                    "A dispensary id is 2–64 lowercase letters, digits, '.', '_' or '-'.");
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
            throw new ApiException(ApiError.INVALID_SPECIALTY,
                    "A specialty code is 2–64 lowercase letters, digits, '.', '_' or '-'.");
        }
        accounts.addSpecialties(Set.of(code));
        return accounts.specialties();
    }

    record NewUser(@NotBlank @Size(max = 64) String id, @NotBlank @Size(max = 120) String displayName, @NotNull Role role,
                   @NotBlank @Size(max = 256) String password, String dispensaryId, Set<String> specialties, String language) {
    }

    record Enabled(boolean enabled) {
    }

    record RoleChange(@NotNull Role role, String dispensaryId, Set<String> specialties) {
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
