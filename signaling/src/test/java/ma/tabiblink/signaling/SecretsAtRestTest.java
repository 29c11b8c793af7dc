package ma.tabiblink.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import ma.tabiblink.signaling.video.JitsiConfig;
import ma.tabiblink.signaling.video.VideoBroker;
import ma.tabiblink.signaling.video.VideoConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.StreamEntry;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing a nurse or a specialist must keep to themselves sits readable in Redis, its append-only file or a backup of
 * it: the chief complaint of an urgent call, and the access tokens, TURN credentials and Jitsi tokens of the messages
 * kept for a client that lost its connection. Two nodes, the specialist on one and the nurse on the other, so the
 * complaint and the stored messages also cross between nodes; the nurse drops and resumes on the other node.
 */
@Timeout(90)
class SecretsAtRestTest {

    static Path redisDir;
    static SignalingFixture fx;
    static SignalingServer nodeA;
    static SignalingServer nodeB;

    @BeforeAll
    static void start() throws Exception {
        redisDir = Files.createTempDirectory("tabib-secrets-at-rest");
        fx = new SignalingFixture(new TestTokens(Duration.ofMinutes(15)), redisDir);
        VideoConfig video = VideoConfig.stunOnly(List.of("stun:stun.example.org:3478"))
                .withTurn(List.of("turns:turn.example.org:443?transport=tcp"), "coturn-static-auth-secret-for-tests")
                .withJitsi(JitsiConfig.hs256(URI.create("https://meet.example.org"), "tabib-link",
                        "0123456789abcdef0123456789abcdef"));
        // a token refresh shortly after connecting, so that one is among the messages kept for a resume
        nodeA = fx.start(b -> b.nodeId("at-rest-a").resumeWindow(Duration.ofSeconds(30))
                        .tokenRefreshLead(Duration.ofMinutes(15).minusSeconds(1)), ma.tabiblink.signaling.appointment
                        .AppointmentDirectory.NONE, new VideoBroker(video, Clock.systemUTC()));
        nodeB = fx.start(b -> b.nodeId("at-rest-b").resumeWindow(Duration.ofSeconds(30)),
                ma.tabiblink.signaling.appointment.AppointmentDirectory.NONE, new VideoBroker(video, Clock.systemUTC()));
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
        try (Stream<Path> files = Files.walk(redisDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @Test
    void chiefComplaintsTokensAndCredentialsNeverSitInPlaintextInRedisItsAppendOnlyFileOrABackup() throws Exception {
        String complaint = "Douleur thoracique depuis 2 h, sueurs " + UUID.randomUUID();
        Set<String> secrets = new LinkedHashSet<>(List.of(complaint));
        try (TestClient doctor = TestClient.connect(nodeB.boundPort(), fx.tokens.specialist("dr.rest", "cardiology"));
             TestClient nurse = TestClient.connect(nodeA.boundPort(), fx.tokens.nurse("nurse-rest", "disp-tinghir"))) {
            doctor.await("welcome");
            String resumeToken = nurse.await("welcome").path("resumeToken").asText();
            doctor.send("presence.set", "status", "available");
            doctor.await("presence");

            nurse.send("call.request", "specialty", "cardiology", "patientRef", "pat-rest", "reason", complaint);
            long queuedSeq = nurse.await("call.queued").path("seq").asLong();
            JsonNode incoming = doctor.await("call.incoming");
            assertThat(incoming.path("reason").asText()).isEqualTo(complaint);
            assertNothingReadableInRedis(secrets);

            String callId = incoming.path("callId").asText();
            doctor.send("call.accept", "callId", callId);
            String nurseTurnCredential = turnCredential(nurse.await("call.accepted").path("media"));
            doctor.await("call.accepted");
            doctor.send("call.jitsi", "callId", callId);
            nurse.await("call.jitsiRoom");
            doctor.await("call.jitsiRoom");
            doctor.send("call.invite", "callId", callId, "name", "Interprete");
            doctor.await("call.invitation");
            nurse.await("token.refresh");

            nurse.drop();
            doctor.await("peer.reconnecting");
            // stored for the parked nurse, through Redis, while she is away
            doctor.send("call.jitsi", "callId", callId);
            doctor.await("call.jitsiRoom");
            secrets.addAll(secretsIn(nurse.all()));
            secrets.addAll(secretsIn(doctor.all()));
            assertThat(secrets).hasSizeGreaterThanOrEqualTo(7);
            assertNothingReadableInRedis(secrets);

            try (TestClient back = TestClient.connect(nodeB.boundPort(),
                    fx.tokens.nurse("nurse-rest", "disp-tinghir"))) {
                back.await("welcome");
                back.send("session.resume", "resumeToken", resumeToken, "lastSeq", queuedSeq);
                back.await("session.resumed");
                assertThat(turnCredential(back.await("call.accepted").path("media"))).isEqualTo(nurseTurnCredential);
                String firstRoom = back.await("call.jitsiRoom").path("jwt").asText();
                assertThat(secrets).contains(firstRoom);
                String storedRoom = back.await("call.jitsiRoom").path("jwt").asText();
                assertThat(storedRoom).isNotBlank().isNotIn(secrets);
                assertThat(back.await("token.refresh").path("accessToken").asText()).isIn(secrets);
                secrets.addAll(secretsIn(back.all()));
                back.send("call.hangup", "callId", callId);
                back.await("call.ended");
            }
        }
        assertNothingReadableInRedis(secrets);

        String aof = read(redisDir.resolve("appendonly.aof"));
        assertThat(aof).as("the append-only file records this test's calls").contains("nurse-rest").contains("dr.rest");
        secrets.forEach(secret -> assertThat(aof).as("append-only file").doesNotContain(secret));

        try (Jedis admin = new Jedis("127.0.0.1", fx.redisPort)) {
            admin.configSet("rdbcompression", "no");
            admin.save();
        }
        String backup = read(redisDir.resolve("dump.rdb"));
        assertThat(backup).as("the backup holds this test's data").contains("nurse-rest");
        secrets.forEach(secret -> assertThat(backup).as("backup (RDB)").doesNotContain(secret));
    }

    /** The complaint, access tokens, TURN credentials and Jitsi tokens that these messages carry. */
    private static Set<String> secretsIn(List<JsonNode> messages) {
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode m : messages) {
            switch (m.path("type").asText()) {
                case "call.incoming" -> out.add(m.path("reason").asText());
                case "call.accepted" -> out.add(turnCredential(m.path("media")));
                case "session.resumed" -> m.path("calls").forEach(c -> out.add(turnCredential(c.path("media"))));
                case "call.jitsiRoom" -> out.add(m.path("jwt").asText());
                case "call.invitation" -> out.add(m.path("url").asText().replaceAll(".*jwt=", ""));
                case "token.refresh" -> out.add(m.path("accessToken").asText());
                default -> { }
            }
        }
        out.removeIf(String::isBlank);
        return out;
    }

    private static String turnCredential(JsonNode media) {
        for (JsonNode server : media.path("iceServers")) {
            if (server.path("urls").get(0).asText().startsWith("turn")) {
                String credential = server.path("credential").asText();
                assertThat(credential).isNotBlank();
                return credential;
            }
        }
        throw new AssertionError("no TURN server in " + media);
    }

    /** Every key name and every value of every key, whatever its type, searched for each secret. */
    private static void assertNothingReadableInRedis(Set<String> secrets) {
        StringBuilder everything = new StringBuilder();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = fx.redis.scan(cursor, new ScanParams().count(500));
            cursor = page.getCursor();
            for (String key : page.getResult()) {
                everything.append(key).append('\n');
                switch (fx.redis.type(key)) {
                    case "string" -> everything.append(fx.redis.get(key));
                    case "hash" -> fx.redis.hgetAll(key).forEach((k, v) -> everything.append(k).append('=').append(v));
                    case "list" -> fx.redis.lrange(key, 0, -1).forEach(everything::append);
                    case "set" -> fx.redis.smembers(key).forEach(everything::append);
                    case "zset" -> fx.redis.zrange(key, 0, -1).forEach(everything::append);
                    case "stream" -> fx.redis.xrange(key, "-", "+").stream().map(StreamEntry::getFields)
                            .forEach(f -> everything.append(f));
                    default -> { }
                }
                everything.append('\n');
            }
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        String dump = everything.toString();
        assertThat(dump).as("Redis holds this test's calls").contains("nurse-rest");
        secrets.forEach(secret -> assertThat(dump).as("Redis").doesNotContain(secret));
    }

    private static String read(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    }
}
