package ma.tabiblink.web.signaling;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.fasterxml.jackson.databind.ObjectMapper;

import ma.tabiblink.records.Records;
import ma.tabiblink.records.audit.AuditAction;
import ma.tabiblink.records.audit.AuditEntry;
import ma.tabiblink.records.audit.AuditOutcome;
import ma.tabiblink.web.support.ApiClient;
import ma.tabiblink.web.support.JsonWebSocket;
import ma.tabiblink.web.support.WebTestSupport;

/** A specialist invites a guest into the call's Jitsi room: the link works once, and every use is audited. */
class GuestLinksThroughTheApplicationTest extends WebTestSupport {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @DynamicPropertySource
    static void jitsi(DynamicPropertyRegistry registry) {
        registry.add("tabib.jitsi.url", () -> "https://meet.test");
        registry.add("tabib.jitsi.app-id", () -> "tabib-test");
        registry.add("tabib.jitsi.secret", () -> "a-jitsi-app-secret-of-at-least-32-bytes");
    }

    @Autowired
    Records records;

    @Test
    void aGuestLinkLetsTheGuestIntoTheRoomOnceAndEveryUseIsAudited() throws Exception {
        ApiClient nurse = as("nurse1");
        ApiClient cardiologist = as("dr.cardio");
        String patient = registerConsentingPatient(nurse, "Tuda Ait Lahcen");
        String link;
        String callId;
        try (JsonWebSocket doctor = signaling(cardiologist); JsonWebSocket tablet = signaling(nurse)) {
            doctor.send(Map.of("type", "presence.set", "id", "p1", "status", "available"));
            doctor.awaitType("presence", WAIT);
            tablet.send(Map.of("type", "call.request", "id", "r1", "specialty", "cardiology", "patientRef", patient));
            callId = doctor.awaitType("call.incoming", WAIT).path("callId").asText();
            doctor.send(Map.of("type", "call.accept", "id", "a1", "callId", callId));
            tablet.awaitType("call.accepted", WAIT);
            doctor.awaitType("call.accepted", WAIT);

            doctor.send(Map.of("type", "call.invite", "id", "i1", "callId", callId, "name", "Interprète tamazight"));
            String room = doctor.awaitType("call.jitsiRoom", WAIT).path("roomName").asText();
            link = doctor.awaitType("call.invitation", WAIT).path("url").asText();
            assertThat(link).startsWith("/jitsi/guest/").doesNotContain("jwt");

            HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
            HttpResponse<String> first = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + link))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(first.statusCode()).isEqualTo(302);
            assertThat(first.headers().firstValue("Location").orElseThrow())
                    .startsWith("https://meet.test/" + room + "?jwt=");
            assertThat(first.headers().firstValue("Cache-Control").orElseThrow()).contains("no-store");

            ApiClient.Response again = api().get(link);
            assertThat(again.status()).isEqualTo(410);
            assertThat(again.code()).isEqualTo("GUEST_LINK_USED");
            ApiClient.Response unknown = api().get("/jitsi/guest/" + "A".repeat(43));
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.code()).isEqualTo("GUEST_LINK_UNKNOWN");

            doctor.send(Map.of("type", "call.hangup", "id", "h1", "callId", callId, "reason", "completed"));
            tablet.awaitType("call.ended", WAIT);
        }
        String call = callId;
        Awaitility.await().atMost(WAIT).untilAsserted(() -> {
            List<AuditEntry> about = records.audit().entries(null, 100_000).stream()
                    .filter(e -> call.equals(e.entityId())).toList();
            assertThat(about).anyMatch(e -> e.action() == AuditAction.JITSI_GUEST_INVITE && e.actorId().equals("dr.cardio")
                    && e.outcome() == AuditOutcome.SUCCESS && patient.equals(e.patientId())
                    && e.detail().contains("Interprète tamazight"));
            assertThat(about).filteredOn(e -> e.action() == AuditAction.JITSI_GUEST_JOIN)
                    .extracting(AuditEntry::outcome).containsExactly(AuditOutcome.SUCCESS, AuditOutcome.DENIED);
            assertThat(about).filteredOn(e -> e.action() == AuditAction.JITSI_GUEST_JOIN)
                    .allMatch(e -> e.from().equals("127.0.0.1") && e.detail().contains("invited by dr.cardio"));
        });
        assertThat(records.audit().verify().intact()).isTrue();
        assertThat(new ObjectMapper().readTree(api().get("/v3/api-docs").body()).path("paths")
                .has("/jitsi/guest/{ticket}")).isTrue();
    }
}
