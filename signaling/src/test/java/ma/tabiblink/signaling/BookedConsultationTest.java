package ma.tabiblink.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import ma.tabiblink.signaling.appointment.AppointmentDirectory;
import ma.tabiblink.signaling.appointment.BookedConsultation;
import ma.tabiblink.signaling.call.GuestLinks;
import ma.tabiblink.signaling.event.SignalingEvent;
import ma.tabiblink.signaling.video.JitsiConfig;
import ma.tabiblink.signaling.video.VideoBroker;
import ma.tabiblink.signaling.video.VideoConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Calls for booked consultations, Jitsi rooms and invitations, idle connections. */
@Timeout(60)
class BookedConsultationTest {

    static SignalingFixture fx;
    static SignalingServer withJitsi;
    static SignalingServer withoutJitsi;
    static final Instant NOW = Instant.now();
    static final Map<String, BookedConsultation> BOOKED = Map.of(
            "appt-now", new BookedConsultation("appt-now", "disp-tinghir", "dr.cardio", "pat-42",
                    NOW.minusSeconds(300), NOW.plusSeconds(1500), "cardiology"),
            "appt-tomorrow", new BookedConsultation("appt-tomorrow", "disp-tinghir", "dr.cardio", "pat-43",
                    NOW.plus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1)).plusSeconds(1800), "cardiology"),
            "appt-plain", new BookedConsultation("appt-plain", "disp-tinghir", "dr.cardio", "pat-44",
                    NOW.minusSeconds(60), NOW.plusSeconds(1800), "cardiology"));
    static final AppointmentDirectory DIRECTORY = id -> Optional.ofNullable(BOOKED.get(id));

    @BeforeAll
    static void start() throws Exception {
        fx = new SignalingFixture();
        withJitsi = fx.start(b -> b.nodeId("jitsi"), DIRECTORY, new VideoBroker(
                VideoConfig.stunOnly(List.of("stun:stun.example.org:3478")).withJitsi(JitsiConfig.hs256(
                        URI.create("https://meet.example.org"), "tabib-link", "0123456789abcdef0123456789abcdef")),
                Clock.systemUTC()));
        withoutJitsi = fx.start(b -> b.nodeId("plain"), DIRECTORY,
                new VideoBroker(VideoConfig.stunOnly(List.of()), Clock.systemUTC()));
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    @Test
    void bothParticipantsOfABookedConsultationJoinItsCallAndTheSpecialistOpensAJitsiRoomAndInvitesAGuestOnce() {
        int port = withJitsi.boundPort();
        try (TestClient doctor = TestClient.connect(port, fx.tokens.specialist("dr.cardio", "cardiology"));
             TestClient nurse = TestClient.connect(port, fx.tokens.nurse("nurse1", "disp-tinghir"));
             TestClient stranger = TestClient.connect(port, fx.tokens.nurse("nurse2", "disp-azilal"))) {
            doctor.await("welcome");
            nurse.await("welcome");
            stranger.await("welcome");
            String join = doctor.send("call.join", "appointmentId", "appt-now");
            JsonNode waiting = doctor.await("call.waiting");
            assertThat(waiting.path("re").asText()).isEqualTo(join);
            String callId = waiting.path("callId").asText();

            stranger.send("call.join", "appointmentId", "appt-now");
            assertThat(stranger.await("error").path("code").asText()).isEqualTo("NOT_YOUR_APPOINTMENT");
            nurse.send("call.join", "appointmentId", "appt-tomorrow");
            assertThat(nurse.await("error").path("code").asText()).isEqualTo("APPOINTMENT_NOT_NOW");

            nurse.send("call.join", "appointmentId", "appt-now");
            JsonNode nurseAccepted = nurse.await("call.accepted");
            assertThat(nurseAccepted.path("callId").asText()).isEqualTo(callId);
            assertThat(nurseAccepted.path("role").asText()).isEqualTo("offerer");
            assertThat(nurseAccepted.path("patientRef").asText()).isEqualTo("pat-42");
            assertThat(doctor.await("call.accepted").path("role").asText()).isEqualTo("answerer");

            nurse.send("call.jitsi", "callId", callId);
            assertThat(nurse.await("error").path("code").asText()).isEqualTo("FORBIDDEN_ROLE");
            doctor.send("call.jitsi", "callId", callId);
            JsonNode doctorRoom = doctor.await("call.jitsiRoom");
            JsonNode nurseRoom = nurse.await("call.jitsiRoom");
            assertThat(doctorRoom.path("roomName").asText()).isEqualTo(nurseRoom.path("roomName").asText());
            assertThat(doctorRoom.path("roomUrl").asText()).startsWith("https://meet.example.org/");
            assertThat(doctorRoom.path("jwt").asText()).isNotEqualTo(nurseRoom.path("jwt").asText());
            String invite = doctor.send("call.invite", "callId", callId, "name", "Interpreter Amazigh");
            JsonNode invitation = doctor.await("call.invitation");
            assertThat(invitation.path("re").asText()).isEqualTo(invite);
            // A single-use link to the application, not the Jitsi token itself.
            String link = invitation.path("url").asText();
            assertThat(link).startsWith(GuestLinks.PATH).doesNotContain("jwt").doesNotContain(doctorRoom.path("jwt").asText());

            GuestLinks.Use first = withJitsi.guestLinks().use(link.substring(GuestLinks.PATH.length()), "198.51.100.7");
            assertThat(first).isInstanceOfSatisfying(GuestLinks.Use.Admitted.class, admitted ->
                    assertThat(admitted.roomUrl()).startsWith("https://meet.example.org/" + doctorRoom.path("roomName").asText())
                            .contains("?jwt="));
            assertThat(withJitsi.guestLinks().use(link.substring(GuestLinks.PATH.length()), "203.0.113.9"))
                    .isInstanceOf(GuestLinks.Use.AlreadyUsed.class);
            assertThat(withJitsi.guestLinks().use("x".repeat(43), "203.0.113.9")).isInstanceOf(GuestLinks.Use.Unknown.class);
            await().atMost(Duration.ofSeconds(5)).until(() -> fx.events.stream()
                    .filter(e -> e instanceof SignalingEvent.GuestLinkUsed u && u.callId().equals(callId)).count() == 2);
            assertThat(fx.events).anyMatch(e -> e instanceof SignalingEvent.GuestInvited g && g.callId().equals(callId)
                    && g.specialistId().equals("dr.cardio") && g.guestName().equals("Interpreter Amazigh")
                    && "pat-42".equals(g.patientRef()));
            assertThat(fx.events).anyMatch(e -> e instanceof SignalingEvent.GuestLinkUsed u && u.callId().equals(callId)
                    && u.admitted() && u.from().equals("198.51.100.7"));
            assertThat(fx.events).anyMatch(e -> e instanceof SignalingEvent.GuestLinkUsed u && u.callId().equals(callId)
                    && !u.admitted() && u.from().equals("203.0.113.9"));

            doctor.send("call.hangup", "callId", callId);
            nurse.await("call.ended");
            await().atMost(Duration.ofSeconds(5)).until(() -> fx.events.stream()
                    .anyMatch(e -> e instanceof SignalingEvent.CallEnded x && x.callId().equals(callId)
                            && "appt-now".equals(x.appointmentId()) && x.wasActive()));
            assertThat(fx.events).anyMatch(e -> e instanceof SignalingEvent.CallAccepted a
                    && a.callId().equals(callId) && "appt-now".equals(a.appointmentId()));
        }
    }

    @Test
    void jitsiRequestsWithoutAJitsiServerAreRefusedWithACode() {
        int port = withoutJitsi.boundPort();
        try (TestClient doctor = TestClient.connect(port, fx.tokens.specialist("dr.cardio", "cardiology"));
             TestClient nurse = TestClient.connect(port, fx.tokens.nurse("nurse1", "disp-tinghir"))) {
            doctor.await("welcome");
            nurse.await("welcome");
            nurse.send("call.join", "appointmentId", "appt-plain");
            nurse.await("call.waiting");
            doctor.send("call.join", "appointmentId", "appt-plain");
            String callId = doctor.await("call.accepted").path("callId").asText();
            doctor.send("call.jitsi", "callId", callId);
            assertThat(doctor.await("error").path("code").asText()).isEqualTo("JITSI_NOT_CONFIGURED");
            doctor.send("call.invite", "callId", callId, "name", "Second opinion");
            assertThat(doctor.await("error").path("code").asText()).isEqualTo("JITSI_NOT_CONFIGURED");
            doctor.send("call.hangup", "callId", callId);
            nurse.await("call.ended");
        }
    }

    @Test
    void aConnectionThatSendsNothingIsClosedWith4408() throws Exception {
        // a node of its own: a 1 s idle timeout would also close the other tests' clients on a busy machine
        SignalingServer impatient = fx.start(b -> b.nodeId("impatient").idleTimeout(Duration.ofSeconds(1))
                .heartbeatInterval(Duration.ofSeconds(5)), DIRECTORY,
                new VideoBroker(VideoConfig.stunOnly(List.of()), Clock.systemUTC()));
        try (RawWebSocket silent = new RawWebSocket(impatient.boundPort(), fx.tokens.nurse("nurse-idle", "d"))) {
            String seen = silent.readAllUntilClosed();
            assertThat(seen).contains("IDLE_TIMEOUT");
            assertThat(silent.closeCode()).isEqualTo(4408);
        }
    }

    @Test
    void aQuietClientThatAnswersPingsStaysConnectedAndOneThatDoesNotIsClosed() throws Exception {
        SignalingServer pinging = fx.start(b -> b.nodeId("pinging").idleTimeout(Duration.ofSeconds(1))
                .heartbeatInterval(Duration.ofMillis(200)), DIRECTORY,
                new VideoBroker(VideoConfig.stunOnly(List.of()), Clock.systemUTC()));
        try (TestClient answersPings = TestClient.connect(pinging.boundPort(), fx.tokens.nurse("nurse-quiet", "d"));
             RawWebSocket deaf = new RawWebSocket(pinging.boundPort(), fx.tokens.nurse("nurse-deaf", "d"))) {
            answersPings.await("welcome");
            // the raw client never answers the server's pings, the JDK client does so by itself
            assertThat(deaf.readAllUntilClosed()).contains("IDLE_TIMEOUT");
            assertThat(deaf.closeCode()).isEqualTo(4408);
            Thread.sleep(1_500);
            String ping = answersPings.send("ping");
            assertThat(answersPings.await("pong").path("re").asText()).isEqualTo(ping);
        }
    }
}
