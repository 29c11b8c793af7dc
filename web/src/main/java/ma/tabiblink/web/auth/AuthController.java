package ma.tabiblink.web.auth;

import java.util.Optional;
import java.util.Set;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import ma.tabiblink.web.account.AccountRepository;
import ma.tabiblink.web.account.CurrentUser;
import ma.tabiblink.web.account.Dispensary;
import ma.tabiblink.web.account.Languages;
import ma.tabiblink.web.error.ApiError;
import ma.tabiblink.web.error.ApiException;

@RestController
@RequestMapping("/api/v1")
@Tag(name = "Authentication", description = "Sign-in, token refresh, sign-out, socket tickets and the caller's profile")
class AuthController {

    private final AuthService auth;
    private final AccountRepository accounts;

    AuthController(AuthService auth, AccountRepository accounts) {
        this.auth = auth;
        this.accounts = accounts;
    }

    @PostMapping("/auth/login")
    @Operation(summary = "Sign in with username and password; returns an access token (Bearer) and a refresh token")
    SessionResponse login(@Valid @RequestBody LoginRequest request, HttpServletRequest http) {
        return SessionResponse.of(auth.login(request.username(), request.password(), http.getRemoteAddr()));
    }

    @PostMapping("/auth/refresh")
    @Operation(summary = "Exchange a refresh token (single use) for a new access token and refresh token; "
            + "a refresh token used twice revokes its whole session")
    SessionResponse refresh(@Valid @RequestBody RefreshRequest request, HttpServletRequest http) {
        return SessionResponse.of(auth.refresh(request.refreshToken(), http.getRemoteAddr()));
    }

    @PostMapping("/auth/logout")
    @Operation(summary = "End the session of the refresh token given (no access token needed), or of the access "
            + "token sent: its tokens stop working and its sockets close")
    @ApiResponse(responseCode = "204", description = "Signed out")
    ResponseEntity<Void> logout(@RequestBody(required = false) LogoutRequest request,
                                @Parameter(hidden = true) Optional<TokenClaims> caller, HttpServletRequest http) {
        auth.logout(request == null ? null : request.refreshToken(), caller, http.getRemoteAddr());
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/auth/ticket")
    @Operation(summary = "A single-use ticket (30 s) to open the signalling socket or the live board: "
            + "browsers pass it as ?ticket= instead of the access token")
    TicketResponse ticket(@Valid @RequestBody TicketRequest request, @Parameter(hidden = true) TokenClaims caller) {
        SocketTickets.Socket socket = SocketTickets.Socket.of(request.socket());
        return new TicketResponse(auth.ticket(caller, socket), SocketTickets.LIFETIME.toSeconds());
    }

    @GetMapping("/me")
    @Operation(summary = "The signed-in user")
    UserView me(CurrentUser user) {
        return UserView.of(user, accounts.findDispensary(user.dispensaryId()).orElse(null));
    }

    @PutMapping("/me/language")
    @Operation(summary = "Remember the user's interface language (ar, fr or en)")
    @ApiResponse(responseCode = "204", description = "Remembered")
    ResponseEntity<Void> language(@Valid @RequestBody LanguageRequest request, CurrentUser user) {
        if (!Languages.supported(request.language())) {
            throw new ApiException(ApiError.UNSUPPORTED_LANGUAGE, "Language must be one of ar, fr, en.");
        }
        accounts.setLanguage(user.id(), request.language());
        return ResponseEntity.noContent().build();
    }

    record LoginRequest(@NotBlank @Size(max = 64) String username, @NotBlank @Size(max = 256) String password) {
    }

    record RefreshRequest(@NotBlank @Size(max = 128) String refreshToken) {
    }

    record LogoutRequest(@Size(max = 128) String refreshToken) {
    }

    record TicketRequest(@NotBlank @Pattern(regexp = "signal|board") String socket) {
    }

    record TicketResponse(String ticket, long expiresIn) {
    }

    record LanguageRequest(@NotBlank String language) {
    }

    record UserView(String id, String displayName, String role, String dispensaryId, String dispensaryName,
                    String province, Set<String> specialties, String language) {
        static UserView of(CurrentUser u, Dispensary d) {
            return new UserView(u.id(), u.displayName(), u.role().name(), u.dispensaryId(), d == null ? "" : d.name(),
                    u.province(), u.specialties(), u.language());
        }
    }

    record SessionResponse(String accessToken, String refreshToken, String tokenType, long expiresIn,
                           long idleTimeoutSeconds, UserView user) {
        static SessionResponse of(AuthService.Session s) {
            return new SessionResponse(s.accessToken(), s.refreshToken(), "Bearer", s.expiresIn(), s.idleTimeoutSeconds(),
                    UserView.of(s.user().toCurrentUser(), null));
        }
    }
}
