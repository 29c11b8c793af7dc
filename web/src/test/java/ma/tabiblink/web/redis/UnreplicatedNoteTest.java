package ma.tabiblink.web.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import ma.tabiblink.records.RedisKeys;
import ma.tabiblink.web.support.ApiClient;
import ma.tabiblink.web.support.ConsultationNotes;
import redis.clients.jedis.Jedis;

/**
 * The application asking for one replica's acknowledgement ({@code tabib.redis.min-replicas-acked=1}) on a real
 * primary whose only replica is killed: a consultation note saved through the API is never answered as a success the
 * replica does not hold. It answers 503 {@code NOT_REPLICATED}, its retry too while the replica is away; once the
 * replica is back the retry succeeds, and the note has exactly one version, on the replica as well.
 */
@ExtendWith(PrimaryWithReplica.StopAfterTheApplication.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@Timeout(180)
class UnreplicatedNoteTest {

    private static final PrimaryWithReplica REDIS = PrimaryWithReplica.startIfInstalled("tabib-unreplicated-note");

    @LocalServerPort
    int port;

    @BeforeAll
    static void needsRedisServer() {
        Assumptions.assumeTrue(REDIS != null, "redis-server not installed (ops/scripts/install-test-deps.sh installs it)");
    }

    @DynamicPropertySource
    static void applicationProperties(DynamicPropertyRegistry registry) {
        if (REDIS != null) {
            REDIS.applicationProperties(registry);
        }
    }

    @Test
    void aNoteVersionNoReplicaHoldsIsRefusedAsNotReplicatedUntilTheReplicaIsBackAndThenTheRetryLeavesOneVersion() {
        ApiClient nurse = new ApiClient("http://127.0.0.1:" + port).login("nurse1", "demo1234");
        ApiClient cardio = new ApiClient("http://127.0.0.1:" + port).login("dr.cardio", "demo1234");
        String consultation = ConsultationNotes.openConsultation(nurse, "Unreplicated note patient",
                "call-unreplicated-note");

        REDIS.killReplica();
        ApiClient.Response refused = cardio.post("/api/v1/consultations/" + consultation + "/notes", note());
        assertThat(refused.status()).as(refused.body()).isEqualTo(503);
        assertThat(refused.code()).isEqualTo("NOT_REPLICATED");
        assertThat(refused.json().path("message").asText()).isNotBlank();
        assertThat(refused.body()).as("no note text in the refusal").doesNotContain("Palpitations");
        ApiClient.Response retriedTooSoon = cardio.post("/api/v1/consultations/" + consultation + "/notes", note());
        assertThat(retriedTooSoon.code()).as("a retry finding the first attempt's note waits for a replica too")
                .isEqualTo("NOT_REPLICATED");

        REDIS.bringBackReplica();
        ApiClient.Response retried = cardio.post("/api/v1/consultations/" + consultation + "/notes", note());
        assertThat(retried.status()).as(retried.body()).isEqualTo(201);
        String noteId = retried.json().path("noteId").asText();
        assertThat(retried.json().path("version").asInt()).isEqualTo(1);
        assertThat(retried.json().path("latestVersion").asInt()).as("the retries replaced the draft").isEqualTo(1);

        ApiClient.Response notes = cardio.get("/api/v1/consultations/" + consultation + "/notes");
        assertThat(notes.status()).as(notes.body()).isEqualTo(200);
        assertThat(notes.json()).as("one note").hasSize(1);
        assertThat(notes.json().get(0).path("noteId").asText()).isEqualTo(noteId);
        assertThat(notes.json().get(0).path("latestVersion").asInt()).as("exactly one version").isEqualTo(1);
        try (Jedis replica = REDIS.replica()) {
            assertThat(replica.hget(RedisKeys.note(noteId), "latest")).as("the replica holds the note").isEqualTo("1");
            assertThat(replica.exists(RedisKeys.noteVersion(noteId, 2))).isFalse();
        }
    }

    private static Map<String, Object> note() {
        return ConsultationNotes.note("Palpitations depuis deux jours");
    }
}
