package ma.tabiblink.records.breakglass;

import static ma.tabiblink.records.TestRecords.ADMIN;
import static ma.tabiblink.records.TestRecords.CARDIO;
import static ma.tabiblink.records.TestRecords.COORD;
import static ma.tabiblink.records.TestRecords.note;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import ma.tabiblink.records.Actor;
import ma.tabiblink.records.Records;
import ma.tabiblink.records.RecordsError;
import ma.tabiblink.records.RecordsException;
import ma.tabiblink.records.Role;
import ma.tabiblink.records.TestRecords;
import ma.tabiblink.records.audit.AuditAction;
import ma.tabiblink.records.audit.AuditEntry;
import ma.tabiblink.records.audit.AuditOutcome;
import ma.tabiblink.records.consultation.Consultation;
import ma.tabiblink.records.keys.KeyRing;
import ma.tabiblink.records.note.NoteSection;
import ma.tabiblink.records.note.NoteView;
import ma.tabiblink.records.patient.Patient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Emergency access: signed versions only, the nurse's share of the matrix, a per-user limit, an alert to review. */
@Timeout(60)
class BreakGlassTest {

    private static final String REASON = "Patient unconscious at the emergency room";

    static TestRecords t;
    static Patient patient;
    static NoteView signed;

    @BeforeAll
    static void start() {
        t = new TestRecords();
        patient = t.tinghirPatient("Hassan Urgence", null);
        Consultation c = t.urgentCall(patient, CARDIO, "call-bg-1");
        signed = t.records.notes().sign(CARDIO, t.records.notes().writeDraft(CARDIO, c.id(), note("bg-v1")).noteId());
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    private static Actor specialist(String id) {
        return new Actor(id, Role.SPECIALIST, null, Set.of("cardiology"), "10.9.9.9");
    }

    private static void fails(RecordsError code, Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(RecordsException.class,
                e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void breakGlassNeverShowsAnotherAuthorsDraft() {
        Consultation c = t.urgentCall(patient, CARDIO, "call-bg-draft");
        NoteView first = t.records.notes().writeDraft(CARDIO, c.id(), note("bg-signed-part"));
        t.records.notes().sign(CARDIO, first.noteId());
        t.records.notes().amend(CARDIO, first.noteId(), note("bg-draft-secret"));
        Actor stranger = specialist("dr.draftless");

        NoteView latestSigned = t.records.notes().breakGlass(stranger, first.noteId(), null, REASON);
        assertThat(latestSigned.version()).isEqualTo(1);
        assertThat(latestSigned.sections().values()).noneMatch(text -> text.contains("bg-draft-secret"));
        assertThat(latestSigned.sections().get(NoteSection.ASSESSMENT)).contains("bg-signed-part");
        fails(RecordsError.ACCESS_DENIED, () -> t.records.notes().breakGlass(stranger, first.noteId(), 2, REASON));

        Consultation unsigned = t.urgentCall(patient, CARDIO, "call-bg-unsigned");
        NoteView draft = t.records.notes().writeDraft(CARDIO, unsigned.id(), note("bg-never-signed"));
        fails(RecordsError.NOTE_VERSION_NOT_FOUND,
                () -> t.records.notes().breakGlass(stranger, draft.noteId(), null, REASON));
        fails(RecordsError.ACCESS_DENIED, () -> t.records.notes().breakGlass(stranger, draft.noteId(), 1, REASON));
    }

    @Test
    void aNurseBreakingTheGlassGetsOnlyTheCarePlanSections() {
        Actor otherDispensaryNurse = new Actor("nurse.ouarzazate", Role.NURSE, "disp-ouarzazate", Set.of(), "10.0.0.99");
        NoteView v = t.records.notes().breakGlass(otherDispensaryNurse, signed.noteId(), null, REASON);
        assertThat(v.access()).isEqualTo("BREAK_GLASS");
        assertThat(v.sections()).containsOnlyKeys(NoteSection.PLAN, NoteSection.PRESCRIPTION, NoteSection.FOLLOW_UP);
        assertThat(v.withheld()).contains(NoteSection.FINDINGS, NoteSection.ASSESSMENT, NoteSection.HISTORY,
                NoteSection.REASON);

        NoteView full = t.records.notes().breakGlass(specialist("dr.emergency"), signed.noteId(), null, REASON);
        assertThat(full.sections()).containsKeys(NoteSection.values());
    }

    @Test
    void breakGlassIsLimitedPerUserAcrossEveryNodeSharingRedis() {
        BreakGlassLimit twoPerHour = new BreakGlassLimit(2, Duration.ofHours(1));
        Records nodeA = Records.create(t.redis, t.clock, KeyRing.open(t.keystoreSettings()), "https://a.test/fhir",
                twoPerHour);
        Records nodeB = Records.create(t.redis, t.clock, KeyRing.open(t.keystoreSettings()), "https://b.test/fhir",
                twoPerHour);
        Actor hurried = specialist("dr.hurried");
        nodeA.notes().breakGlass(hurried, signed.noteId(), null, REASON);
        nodeB.notes().breakGlass(hurried, signed.noteId(), null, REASON);
        fails(RecordsError.BREAK_GLASS_RATE_LIMITED,
                () -> nodeA.notes().breakGlass(hurried, signed.noteId(), null, REASON));
        fails(RecordsError.BREAK_GLASS_RATE_LIMITED,
                () -> nodeB.notes().breakGlass(hurried, signed.noteId(), null, REASON));
        nodeA.notes().breakGlass(specialist("dr.calm"), signed.noteId(), null, REASON);

        List<AuditEntry> entries = t.records.audit().entries(null, 10_000);
        assertThat(entries).filteredOn(e -> e.actorId().equals("dr.hurried")
                && e.action() == AuditAction.BREAK_GLASS_READ && e.outcome() == AuditOutcome.DENIED).hasSize(2);
    }

    @Test
    void everyEmergencyAccessRaisesAnAlertUntilAnAdministratorReviewsIt() {
        Actor night = specialist("dr.night");
        t.records.notes().breakGlass(night, signed.noteId(), 1, "Night call: chest pain again, no note available");

        BreakGlassRegister register = t.records.breakGlass();
        BreakGlassAccess alert = register.alerts(50).newest().stream()
                .filter(a -> a.actorId().equals("dr.night")).findFirst().orElseThrow();
        assertThat(alert.patientId()).isEqualTo(patient.id());
        assertThat(alert.noteId()).isEqualTo(signed.noteId());
        assertThat(alert.reason()).isEqualTo("Night call: chest pain again, no note available");
        assertThat(alert.from()).isEqualTo("10.9.9.9");
        assertThat(alert.reviewed()).isFalse();
        long openBefore = register.alerts(50).open();

        fails(RecordsError.ACCESS_DENIED, () -> register.list(COORD, true, 50));
        fails(RecordsError.ACCESS_DENIED, () -> register.review(night, alert.id(), "fine by me"));
        assertThat(register.list(ADMIN, true, 50)).extracting(BreakGlassAccess::id).contains(alert.id());

        BreakGlassAccess reviewed = register.review(ADMIN, alert.id(), "Confirmed with the on-call roster");
        assertThat(reviewed.reviewedBy()).isEqualTo("admin");
        assertThat(reviewed.reviewNote()).isEqualTo("Confirmed with the on-call roster");
        assertThat(register.alerts(50).open()).isEqualTo(openBefore - 1);
        assertThat(register.list(ADMIN, true, 50)).extracting(BreakGlassAccess::id).doesNotContain(alert.id());
        assertThat(register.list(ADMIN, false, 50)).filteredOn(a -> a.id().equals(alert.id()))
                .singleElement().satisfies(a -> assertThat(a.reviewed()).isTrue());
        fails(RecordsError.BREAK_GLASS_NOT_FOUND, () -> register.review(ADMIN, "bg-0123", "nothing"));
        assertThat(t.records.audit().entries(null, 10_000)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo(AuditAction.BREAK_GLASS_REVIEW);
            assertThat(e.actorId()).isEqualTo("admin");
            assertThat(e.entityId()).isEqualTo(alert.id());
        });
    }
}
