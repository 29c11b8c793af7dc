package ma.tabiblink.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import ma.tabiblink.signaling.appointment.AppointmentDirectory;
import ma.tabiblink.signaling.appointment.BookedConsultation;
import ma.tabiblink.signaling.event.SignalingEvent;
import ma.tabiblink.signaling.patient.PatientAccess;
import ma.tabiblink.signaling.video.VideoBroker;
import ma.tabiblink.signaling.video.VideoConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A call reaches a specialist only about a patient the calling nurse may bring to them: the server asks its
 * {@link PatientAccess} first and refuses with the refusal's code before anything is queued or joined. The rule
 * here stands in for the records module's (a patient of the nurse's dispensary who consented), which the web
 * application plugs in.
 */
@Timeout(60)
class CallsAboutPatientsTest {

    record KnownPatient(String dispensary, boolean consent) {
    }

    static final Map<String, KnownPatient> PATIENTS = Map.of(
            "pat-tinghir-1", new KnownPatient("disp-tinghir", true),
            "pat-tinghir-undecided", new KnownPatient("disp-tinghir", false),
            "pat-azilal-1", new KnownPatient("disp-azilal", true));

    static final PatientAccess RULE = (nurse, ref) -> {
        KnownPatient p = PATIENTS.get(ref);
        if (p == null) {
            return Optional.of(PatientAccess.Refusal.UNKNOWN_PATIENT);
        }
        if (!p.dispensary().equals(nurse.dispensaryId())) {
            return Optional.of(PatientAccess.Refusal.NOT_YOUR_PATIENT);
        }
        return p.consent() ? Optional.empty() : Optional.of(PatientAccess.Refusal.CONSENT_REQUIRED);
    };

    static final Instant NOW = Instant.now();
    static final AppointmentDirectory DIRECTORY = id -> Optional.ofNullable(Map.of(
            "appt-undecided", new BookedConsultation("appt-undecided", "disp-tinghir", "dr.gate2",
                    "pat-tinghir-undecided", NOW.minusSeconds(60), NOW.plusSeconds(1800), "cardiology")).get(id));

    static SignalingFixture fx;
    static SignalingServer node;

    @BeforeAll
    static void start() throws Exception {
        fx = new SignalingFixture();
        node = fx.start(b -> b.nodeId("gate"), DIRECTORY, RULE,
                new VideoBroker(VideoConfig.stunOnly(List.of("stun:stun.example.org:3478")), Clock.systemUTC()));
    }

    @AfterAll
    static void stop() throws Exception {
        fx.close();
    }

    private static TestClient connect(String token) {
        TestClient c = TestClient.connect(node.boundPort(), token);
        c.await("welcome");
        return c;
    }

    private static void refused(TestClient nurse, String patientRef, String code) {
        String id = nurse.send("call.request", "specialty", "endocrinology", "patientRef", patientRef,
                "reason", "glycemie 4 g/l");
        JsonNode error = nurse.await("error");
        assertThat(error.path("re").asText()).isEqualTo(id);
        assertThat(error.path("code").asText()).isEqualTo(code);
    }

    @Test
    void aCallAboutAPatientTheNurseMayNotBringToASpecialistIsRefusedWithACodeBeforeQueuing() {
        try (TestClient doctor = connect(fx.tokens.specialist("dr.gate1", "endocrinology"));
             TestClient nurse = connect(fx.tokens.nurse("nurse-gate1", "disp-tinghir"))) {
            doctor.send("presence.set", "status", "available");
            doctor.await("presence");

            refused(nurse, "pat-azilal-1", "NOT_YOUR_PATIENT");
            refused(nurse, "pat-unknown", "UNKNOWN_PATIENT");
            refused(nurse, "pat-tinghir-undecided", "CONSENT_REQUIRED");

            assertThat(doctor.receives("call.incoming", Duration.ofMillis(500))).isFalse();
            assertThat(nurse.hasReceived("call.queued")).isFalse();
            assertThat(fx.redis.zcard("tl:sig:queue:endocrinology")).isZero();
            assertThat(fx.redis.scard("tl:sig:user:nurse-gate1:pending")).isZero();
            assertThat(fx.events).noneMatch(e -> e instanceof SignalingEvent.CallRequested r
                    && r.nurseId().equals("nurse-gate1"));

            nurse.send("call.request", "specialty", "endocrinology", "patientRef", "pat-tinghir-1");
            String callId = nurse.await("call.queued").path("callId").asText();
            JsonNode incoming = doctor.await("call.incoming");
            assertThat(incoming.path("callId").asText()).isEqualTo(callId);
            assertThat(incoming.path("patientRef").asText()).isEqualTo("pat-tinghir-1");
            nurse.send("call.cancel", "callId", callId);
            nurse.await("call.ended");
        }
    }

    @Test
    void aNurseJoiningABookedConsultationAboutAPatientWithoutConsentIsToldBeforeTheCall() {
        try (TestClient doctor = connect(fx.tokens.specialist("dr.gate2", "cardiology"));
             TestClient nurse = connect(fx.tokens.nurse("nurse-gate2", "disp-tinghir"))) {
            doctor.send("call.join", "appointmentId", "appt-undecided");
            doctor.await("call.waiting");
            String id = nurse.send("call.join", "appointmentId", "appt-undecided");
            JsonNode error = nurse.await("error");
            assertThat(error.path("re").asText()).isEqualTo(id);
            assertThat(error.path("code").asText()).isEqualTo("CONSENT_REQUIRED");
            assertThat(doctor.receives("call.accepted", Duration.ofMillis(300))).isFalse();
        }
    }
}
