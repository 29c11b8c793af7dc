package ma.tabiblink.web.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import ma.tabiblink.web.support.ApiClient;
import ma.tabiblink.web.support.WebTestSupport;

/** Registration over the API: retried with its idempotency key, and the two kinds of duplicate it answers. */
@Timeout(120)
class PatientRegistrationApiTest extends WebTestSupport {

    private static Map<String, Object> patient(String name, int year, String nationalId) {
        Map<String, Object> body = new HashMap<>(Map.of("fullName", name, "birthYear", year, "sex", "FEMALE",
                "teleconsultationConsent", true));
        if (nationalId != null) {
            body.put("nationalId", nationalId);
        }
        return body;
    }

    private static long countNamed(ApiClient nurse, String name) {
        ApiClient.Response found = nurse.get("/api/v1/patients?q=" + name.replace(' ', '+') + "&limit=50");
        assertThat(found.status()).isEqualTo(200);
        long n = 0;
        for (var p : found.json()) {
            if (p.path("fullName").asText().equals(name)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void aRegistrationRetriedWithTheSameKeyAnswersTheSamePatientAndRegistersOnce() {
        ApiClient nurse = as("nurse1");
        String key = "reg-" + UUID.randomUUID();
        Map<String, Object> body = patient("Tlaitmas Retry", 1966, null);
        ApiClient.Response first = nurse.post("/api/v1/patients", body, Map.of("Idempotency-Key", key));
        ApiClient.Response again = nurse.post("/api/v1/patients", body, Map.of("Idempotency-Key", key));
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(again.status()).as(again.body()).isEqualTo(201);
        assertThat(again.json().path("id").asText()).isEqualTo(first.json().path("id").asText());
        assertThat(countNamed(nurse, "Tlaitmas Retry")).isEqualTo(1);

        ApiClient.Response reused = nurse.post("/api/v1/patients", patient("Tlaitmas Other", 1967, null),
                Map.of("Idempotency-Key", key));
        assertThat(reused.status()).isEqualTo(422);
        assertThat(reused.code()).isEqualTo("IDEMPOTENCY_KEY_REUSED");

        // Keys are the user's own: another nurse's same key is another registration.
        ApiClient.Response theirs = as("nurse2").post("/api/v1/patients", patient("Tlaitmas Azilal", 1966, null),
                Map.of("Idempotency-Key", key));
        assertThat(theirs.status()).as(theirs.body()).isEqualTo(201);
        assertThat(theirs.json().path("id").asText()).isNotEqualTo(first.json().path("id").asText());
    }

    @Test
    void aKnownNationalIdIsRefusedWithTheExistingPatientShownOnlyInItsOwnDispensary() {
        ApiClient nurse = as("nurse1");
        ApiClient.Response existing = nurse.post("/api/v1/patients", patient("Mimount Carte", 1950, "RG700100"));
        assertThat(existing.status()).as(existing.body()).isEqualTo(201);
        String id = existing.json().path("id").asText();

        ApiClient.Response duplicate = nurse.post("/api/v1/patients", patient("Mimount Autre", 1951, "rg 700100"));
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(duplicate.code()).isEqualTo("PATIENT_DUPLICATE");
        assertThat(duplicate.json().at("/details/identifier").asText()).isEqualTo("NATIONAL_ID");
        assertThat(duplicate.json().at("/details/existing/id").asText()).isEqualTo(id);
        assertThat(duplicate.json().at("/details/existing/fullName").asText()).isEqualTo("Mimount Carte");
        assertThat(duplicate.json().at("/details/existing/birthYear").asInt()).isEqualTo(1950);

        ApiClient.Response elsewhere = as("nurse2").post("/api/v1/patients", patient("Mimount Azilal", 1950, "RG700100"));
        assertThat(elsewhere.status()).isEqualTo(409);
        assertThat(elsewhere.code()).isEqualTo("PATIENT_DUPLICATE");
        assertThat(elsewhere.json().path("details").has("existing")).isFalse();
        assertThat(elsewhere.body()).doesNotContain(id).doesNotContain("Mimount Carte");
    }

    @Test
    void theSameNameAndBirthYearInTheDispensaryIsALikelyDuplicateUntilConfirmedDistinct() {
        ApiClient nurse = as("nurse1");
        ApiClient.Response existing = nurse.post("/api/v1/patients", patient("Rabha Ou-Homonyme", 1977, null));
        assertThat(existing.status()).as(existing.body()).isEqualTo(201);

        ApiClient.Response possible = nurse.post("/api/v1/patients", patient("rabha  ou homonyme", 1977, null));
        assertThat(possible.status()).isEqualTo(409);
        assertThat(possible.code()).isEqualTo("PATIENT_POSSIBLE_DUPLICATE");
        assertThat(possible.json().at("/details/candidates/0/id").asText()).isEqualTo(existing.json().path("id").asText());
        assertThat(possible.json().at("/details/candidates/0/fullName").asText()).isEqualTo("Rabha Ou-Homonyme");

        Map<String, Object> confirmed = patient("rabha  ou homonyme", 1977, null);
        confirmed.put("confirmedDistinct", true);
        ApiClient.Response distinct = nurse.post("/api/v1/patients", confirmed);
        assertThat(distinct.status()).as(distinct.body()).isEqualTo(201);

        // Another dispensary's namesake is neither refused nor shown.
        ApiClient.Response azilal = as("nurse2").post("/api/v1/patients", patient("Rabha Ou-Homonyme", 1977, null));
        assertThat(azilal.status()).as(azilal.body()).isEqualTo(201);
        assertThat(azilal.body()).doesNotContain(existing.json().path("id").asText());
    }
}
