package ma.tabiblink.web.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import ma.tabiblink.web.support.ApiClient;
import ma.tabiblink.web.support.JsonWebSocket;
import ma.tabiblink.web.support.WebTestSupport;

/** The nurse's specialty buttons learn, per specialty, who can take an urgent call now and why nobody can. */
class SpecialtyAvailabilityThroughTheApplicationTest extends WebTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String PATH = "/api/v1/specialties/availability";

    @Test
    void aSpecialistGoingAvailableThenIntoACallMovesTheirSpecialtyFromUncoveredToAvailableToBusy() {
        ApiClient nurse = as("nurse2");
        assertThat(entry(nurse, "dermatology").path("uncovered").asText()).isIn("NONE_ONLINE", "ALL_AWAY");
        assertThat(entry(nurse, "pulmonology").path("uncovered").asText()).isEqualTo("NO_SPECIALIST");

        ApiClient dermatologist = as("dr.derm");
        String patientId = registerConsentingPatient(nurse, "Tuda Availability");
        try (JsonWebSocket doctor = signaling(dermatologist); JsonWebSocket tablet = signaling(nurse)) {
            doctor.send(Map.of("type", "presence.set", "id", "p1", "status", "available"));
            doctor.awaitType("presence", WAIT);
            Awaitility.await().atMost(WAIT).untilAsserted(() -> {
                JsonNode dermatology = entry(nurse, "dermatology");
                assertThat(dermatology.path("available").asInt()).isEqualTo(1);
                assertThat(dermatology.hasNonNull("uncovered")).isFalse();
            });
            List<JsonNode> all = list(nurse);
            int firstUncovered = indexWhere(all, e -> e.hasNonNull("uncovered"));
            int dermatologyAt = indexWhere(all, e -> e.path("specialty").asText().equals("dermatology"));
            assertThat(dermatologyAt).as("available specialties come before uncovered ones").isLessThan(firstUncovered);

            tablet.send(Map.of("type", "call.request", "id", "r1", "specialty", "dermatology", "patientRef", patientId));
            String callId = doctor.awaitType("call.incoming", WAIT).path("callId").asText();
            doctor.send(Map.of("type", "call.accept", "id", "a1", "callId", callId));
            tablet.awaitType("call.accepted", WAIT);
            Awaitility.await().atMost(WAIT).untilAsserted(() -> {
                JsonNode dermatology = entry(nurse, "dermatology");
                assertThat(dermatology.path("available").asInt()).isZero();
                assertThat(dermatology.path("busy").asInt()).isEqualTo(1);
                assertThat(dermatology.hasNonNull("uncovered")).as("a busy specialist still covers").isFalse();
            });
            doctor.send(Map.of("type", "call.hangup", "id", "h1", "callId", callId, "reason", "completed"));
            tablet.awaitType("call.ended", WAIT);
        }
    }

    @Test
    void anUnchangedAnswerIsRevalidatedWithoutABody() throws Exception {
        ApiClient nurse = as("nurse1");
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> first = http.send(request(nurse).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Cache-Control").orElse("")).contains("no-cache");
        String tag = first.headers().firstValue("ETag").orElseThrow();

        HttpResponse<String> again = http.send(request(nurse).header("If-None-Match", tag).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
    }

    @Test
    void onlyNursesAndCoordinatorsAskAndNoNameIsGiven() {
        assertThat(as("dr.cardio").get(PATH).status()).isEqualTo(403);
        assertThat(as("dr.cardio").get(PATH).code()).isEqualTo("FORBIDDEN_ROLE");
        assertThat(api().get(PATH).status()).isEqualTo(401);
        ApiClient.Response answer = as("coord1").get(PATH);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).doesNotContain("dr.").doesNotContain("Dr ");
        assertThat(answer.json().size()).isGreaterThanOrEqualTo(7);
    }

    private HttpRequest.Builder request(ApiClient user) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + PATH))
                .header("Authorization", "Bearer " + user.accessToken()).header("Accept", "application/json");
    }

    private static List<JsonNode> list(ApiClient nurse) {
        ApiClient.Response answer = nurse.get(PATH);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        List<JsonNode> all = new ArrayList<>();
        answer.json().forEach(all::add);
        return all;
    }

    private static JsonNode entry(ApiClient nurse, String specialty) {
        return list(nurse).stream().filter(e -> e.path("specialty").asText().equals(specialty)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + specialty + " in " + nurse.get(PATH).body()));
    }

    private static int indexWhere(List<JsonNode> all, java.util.function.Predicate<JsonNode> test) {
        for (int i = 0; i < all.size(); i++) {
            if (test.test(all.get(i))) return i;
        }
        return all.size();
    }
}
