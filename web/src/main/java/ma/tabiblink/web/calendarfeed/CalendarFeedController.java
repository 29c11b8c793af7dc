package ma.tabiblink.web.calendarfeed;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import ma.tabiblink.scheduler.calendar.CalendarFeed;
import ma.tabiblink.web.account.AccountRepository;
import ma.tabiblink.web.account.CurrentUser;
import ma.tabiblink.web.account.Role;
import ma.tabiblink.web.account.UserAccount;
import ma.tabiblink.web.error.ApiError;
import ma.tabiblink.web.error.ApiException;

/**
 * Private calendar feeds: a specialist makes (or replaces, or revokes) a secret URL that Thunderbird or a phone
 * calendar subscribes to without signing in. The feed answers only while the account is enabled and a specialist,
 * and shows what the signed-in {@code calendar.ics} shows: patients as opaque references, never by name.
 */
@RestController
@Tag(name = "Scheduling: calendar feed", description = "A specialist's private iCalendar subscription URL")
class CalendarFeedController {

    private static final String FEED_PATH = "/calendar/";
    private static final Duration PAST = Duration.ofDays(30);
    private static final Duration FUTURE = Duration.ofDays(120);
    /** Never from a shared cache, and never from any cache unchecked: a revoked link stops at once. */
    private static final CacheControl FEED_CACHE = CacheControl.noCache().cachePrivate();

    record FeedStatus(boolean active, Instant createdAt) {
    }

    /** The feed's path on this server: the page prefixes its own origin, which behind a proxy only it knows. */
    record NewFeed(String path, Instant createdAt) {
    }

    private final CalendarFeedSecrets secrets;
    private final CalendarFeed calendar;
    private final AccountRepository accounts;
    private final Clock clock;

    CalendarFeedController(CalendarFeedSecrets secrets, CalendarFeed calendar, AccountRepository accounts, Clock clock) {
        this.secrets = secrets;
        this.calendar = calendar;
        this.accounts = accounts;
        this.clock = clock;
    }

    @GetMapping("/api/v1/me/calendar-feed")
    @Operation(summary = "Whether the signed-in specialist has a calendar feed, and since when (never its URL)")
    FeedStatus status(CurrentUser user) {
        user.requireRole(Role.SPECIALIST);
        return secrets.current(user.id()).map(f -> new FeedStatus(true, f.createdAt()))
                .orElse(new FeedStatus(false, null));
    }

    @PostMapping("/api/v1/me/calendar-feed")
    @Operation(summary = "Make a new private calendar feed URL for the signed-in specialist; the previous one stops working")
    @ApiResponse(responseCode = "201", description = "Made: its path, shown this once")
    ResponseEntity<NewFeed> replace(CurrentUser user) {
        user.requireRole(Role.SPECIALIST);
        CalendarFeedSecrets.NewSecret made = secrets.replace(user.id());
        return ResponseEntity.status(HttpStatus.CREATED).cacheControl(CacheControl.noStore())
                .body(new NewFeed(FEED_PATH + made.secret() + ".ics", made.createdAt()));
    }

    @DeleteMapping("/api/v1/me/calendar-feed")
    @Operation(summary = "Revoke the signed-in specialist's calendar feed URL")
    @ApiResponse(responseCode = "204", description = "Revoked, or there was none")
    ResponseEntity<Void> revokeOwn(CurrentUser user) {
        user.requireRole(Role.SPECIALIST);
        secrets.revoke(user.id());
        return ResponseEntity.noContent().build();
    }

    @DeleteMapping("/api/v1/specialists/{id}/calendar-feed")
    @Operation(summary = "Revoke a specialist's calendar feed URL, e.g. after a lost phone (administrators)")
    @ApiResponse(responseCode = "204", description = "Revoked")
    ResponseEntity<Void> revoke(CurrentUser user, @PathVariable String id) {
        user.requireRole(Role.ADMIN);
        if (!secrets.revoke(id)) {
            throw new ApiException(ApiError.CALENDAR_FEED_UNKNOWN, "This specialist has no calendar feed.");
        }
        return ResponseEntity.noContent().build();
    }

    @GetMapping(FEED_PATH + "{secret}.ics")
    @Operation(summary = "A specialist's consultations as an iCalendar feed, for calendar apps (the URL is the credential)")
    ResponseEntity<String> feed(@PathVariable String secret) {
        String specialistId = secrets.owner(secret)
                .filter(id -> accounts.findUser(id).filter(CalendarFeedController::mayHaveAFeed).isPresent())
                .orElseThrow(() -> new ApiException(ApiError.CALENDAR_FEED_UNKNOWN,
                        "No calendar feed at this address: it was revoked or replaced, or never existed."));
        Instant now = clock.instant();
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_TYPE, "text/calendar; charset=utf-8")
                .header(HttpHeaders.CONTENT_DISPOSITION, "inline; filename=\"" + specialistId + ".ics\"")
                .header("Referrer-Policy", "no-referrer")
                .cacheControl(FEED_CACHE)
                .body(calendar.specialistCalendar(specialistId, now.minus(PAST), now.plus(FUTURE)));
    }

    private static boolean mayHaveAFeed(UserAccount account) {
        return account.enabled() && account.role() == Role.SPECIALIST;
    }
}
