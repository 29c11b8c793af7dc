package ma.tabiblink.web.calendarfeed;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import com.fasterxml.jackson.databind.JsonNode;

import ma.tabiblink.web.support.ApiClient;
import ma.tabiblink.web.support.WebTestSupport;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;

/**
 * A specialist's private calendar feed: a URL a calendar app subscribes to without signing in, made by the specialist,
 * replaced or revoked at will (by an administrator too), answering only while the account is an enabled specialist's,
 * and kept in Redis only as a hash.
 */
class PrivateCalendarFeedTest extends WebTestSupport {

    private static final String PASSWORD = "calendar-feed-2026";

    @Autowired
    UnifiedJedis redis;

    @Test
    void aSpecialistSubscribesWithoutSigningInAndTheFeedShowsTheirConsultationsWithoutPatientNames() {
        ApiClient admin = as("admin");
        String specialist = "feed.derm";
        ApiClient derm = createSpecialist(admin, specialist);
        LocalDate day = LocalDate.now(ZoneId.of("Africa/Casablanca")).with(TemporalAdjusters.next(DayOfWeek.TUESDAY)).plusWeeks(2);
        ApiClient coordinator = as("coord1");
        ApiClient nurse = as("nurse1");
        JsonNode patient = nurse.post("/api/v1/patients", Map.of("fullName", "Itto Feedcalendar", "birthYear", 1971,
                "sex", "FEMALE", "teleconsultationConsent", true, "confirmedDistinct", true)).json();
        JsonNode slot = coordinator.get("/api/v1/slots?specialist=" + specialist + "&from=" + day + "&to=" + day).json().get(0);
        ApiClient.Response booked = coordinator.post("/api/v1/appointments", Map.of("specialistId", specialist,
                        "specialty", "dermatology", "start", slot.path("start").asText(),
                        "patientRef", patient.path("id").asText(), "dispensaryId", "disp-tinghir"),
                Map.of("Idempotency-Key", "feed-booking-1"));
        assertThat(booked.status()).as(booked.body()).isEqualTo(201);

        assertThat(derm.get("/api/v1/me/calendar-feed").json().path("active").asBoolean()).isFalse();
        ApiClient.Response made = derm.post("/api/v1/me/calendar-feed", null);
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        String path = made.json().path("path").asText();
        assertThat(path).matches("/calendar/[A-Za-z0-9_-]{43}\\.ics");
        JsonNode status = derm.get("/api/v1/me/calendar-feed").json();
        assertThat(status.path("active").asBoolean()).isTrue();
        assertThat(status.path("createdAt").asText()).isEqualTo(made.json().path("createdAt").asText());
        assertThat(status.toString()).doesNotContain(path.substring("/calendar/".length(), path.length() - 4));

        ApiClient.Response feed = api().get(path);
        assertThat(feed.status()).as(feed.body()).isEqualTo(200);
        assertThat(feed.contentType()).startsWith("text/calendar");
        assertThat(feed.body()).contains("BEGIN:VCALENDAR", "TZID:Africa/Casablanca",
                "DTSTART;TZID=Africa/Casablanca:" + day.toString().replace("-", "") + "T",
                booked.json().path("id").asText() + "@tabib-link");
        assertThat(feed.body()).doesNotContain("Itto", "Feedcalendar");
    }

    @Test
    void aNewFeedRevokesTheOldOneAndARevokedOrMalformedAddressAnswersACoded404() {
        ApiClient derm = createSpecialist(as("admin"), "feed.rotate");
        String first = derm.post("/api/v1/me/calendar-feed", null).json().path("path").asText();
        String second = derm.post("/api/v1/me/calendar-feed", null).json().path("path").asText();
        assertThat(second).isNotEqualTo(first);
        assertUnknown(first);
        assertThat(api().get(second).status()).isEqualTo(200);

        assertThat(derm.delete("/api/v1/me/calendar-feed").status()).isEqualTo(204);
        assertUnknown(second);
        assertThat(derm.get("/api/v1/me/calendar-feed").json().path("active").asBoolean()).isFalse();

        assertUnknown("/calendar/not-a-secret.ics");
        assertUnknown("/calendar/" + "A".repeat(43) + ".ics");
    }

    @Test
    void anAdministratorRevokesAFeedAndADisabledAccountsFeedStopsAnsweringUntilItIsEnabledAgain() {
        ApiClient admin = as("admin");
        ApiClient derm = createSpecialist(admin, "feed.lost-phone");
        String path = derm.post("/api/v1/me/calendar-feed", null).json().path("path").asText();

        assertThat(admin.put("/api/v1/admin/users/feed.lost-phone/enabled", Map.of("enabled", false)).status()).isEqualTo(200);
        assertUnknown(path);
        assertThat(admin.put("/api/v1/admin/users/feed.lost-phone/enabled", Map.of("enabled", true)).status()).isEqualTo(200);
        assertThat(api().get(path).status()).isEqualTo(200);

        assertThat(admin.delete("/api/v1/specialists/feed.lost-phone/calendar-feed").status()).isEqualTo(204);
        assertUnknown(path);
        ApiClient.Response again = admin.delete("/api/v1/specialists/feed.lost-phone/calendar-feed");
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.code()).isEqualTo("CALENDAR_FEED_UNKNOWN");
    }

    @Test
    void onlyASignedInSpecialistMakesAFeedAndOnlyAnAdministratorRevokesAnothersFeed() {
        assertThat(api().post("/api/v1/me/calendar-feed", null).code()).isEqualTo("AUTH_REQUIRED");
        for (String user : List.of("nurse1", "coord1", "admin")) {
            ApiClient.Response refused = as(user).post("/api/v1/me/calendar-feed", null);
            assertThat(refused.status()).as(user).isEqualTo(403);
            assertThat(refused.code()).as(user).isEqualTo("FORBIDDEN_ROLE");
        }
        assertThat(as("coord1").delete("/api/v1/specialists/dr.derm/calendar-feed").code()).isEqualTo("FORBIDDEN_ROLE");
        assertThat(as("dr.cardio").delete("/api/v1/specialists/dr.derm/calendar-feed").code()).isEqualTo("FORBIDDEN_ROLE");
    }

    @Test
    void redisKeepsOnlyAHashOfTheSecret() {
        ApiClient derm = createSpecialist(as("admin"), "feed.hashed");
        String path = derm.post("/api/v1/me/calendar-feed", null).json().path("path").asText();
        String secret = path.substring("/calendar/".length(), path.length() - ".ics".length());

        List<String> keys = redis.scan("0", new ScanParams().match("tl:feed:*").count(10_000)).getResult();
        assertThat(keys).isNotEmpty();
        for (String key : keys) {
            assertThat(key).doesNotContain(secret);
            String value = "string".equals(redis.type(key)) ? redis.get(key) : redis.hgetAll(key).toString();
            assertThat(value).doesNotContain(secret);
        }
    }

    private void assertUnknown(String path) {
        ApiClient.Response gone = api().get(path);
        assertThat(gone.status()).as(path).isEqualTo(404);
        assertThat(gone.code()).as(path).isEqualTo("CALENDAR_FEED_UNKNOWN");
    }

    /** A dermatologist the administrator creates, with the demo specialists' weekly hours, signed in. */
    private ApiClient createSpecialist(ApiClient admin, String id) {
        ApiClient.Response created = admin.post("/api/v1/admin/users", Map.of("id", id, "displayName", "Dr " + id,
                "role", "SPECIALIST", "password", PASSWORD, "specialties", Set.of("dermatology")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        ApiClient coordinator = as("coord1");
        JsonNode hours = coordinator.get("/api/v1/specialists/dr.derm/availability").json();
        ApiClient.Response saved = coordinator.put("/api/v1/specialists/" + id + "/availability", Map.of(
                "specialties", List.of("dermatology"), "zone", "Africa/Casablanca", "weekly", hours.path("weekly")));
        assertThat(saved.status()).as(saved.body()).isEqualTo(200);
        return api().login(id, PASSWORD);
    }
}
