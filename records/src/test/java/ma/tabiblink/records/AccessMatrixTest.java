package ma.tabiblink.records;

import static ma.tabiblink.records.TestRecords.ADMIN;
import static ma.tabiblink.records.TestRecords.CARDIO;
import static ma.tabiblink.records.TestRecords.COORD;
import static ma.tabiblink.records.TestRecords.DERM;
import static ma.tabiblink.records.TestRecords.NURSE1;
import static ma.tabiblink.records.TestRecords.NURSE2;
import static ma.tabiblink.records.TestRecords.PEDIA;
import static ma.tabiblink.records.TestRecords.note;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.List;
import ma.tabiblink.records.audit.AuditAction;
import ma.tabiblink.records.audit.AuditEntry;
import ma.tabiblink.records.audit.AuditOutcome;
import ma.tabiblink.records.consultation.Consultation;
import ma.tabiblink.records.consultation.ConsultationMode;
import ma.tabiblink.records.consultation.ConsultationOrigin;
import ma.tabiblink.records.consultation.OpenConsultation;
import ma.tabiblink.records.note.NoteSection;
import ma.tabiblink.records.note.NoteView;
import ma.tabiblink.records.patient.NewPatient;
import ma.tabiblink.records.patient.Patient;
import ma.tabiblink.records.patient.Sex;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The access matrix of records/README.md, role by role, on one patient of disp-tinghir seen by dr.cardio. */
@Timeout(60)
class AccessMatrixTest {

    static TestRecords t;
    static Patient patient;
    static Consultation consultation;
    static NoteView signed;

    @BeforeAll
    static void start() {
        t = new TestRecords();
        patient = t.tinghirPatient("Zineb Matrix", "MX777001");
        consultation = t.urgentCall(patient, CARDIO, "call-matrix-1");
        NoteView draft = t.records.notes().writeDraft(CARDIO, consultation.id(), note("matrix"));
        signed = t.records.notes().sign(CARDIO, draft.noteId());
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    private static void denied(ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(RecordsException.class,
                e -> assertThat(e.code()).isEqualTo(RecordsError.ACCESS_DENIED));
    }

    @Test
    void theAuthoringSpecialistReadsTheWholeNote() {
        NoteView v = t.records.notes().read(CARDIO, signed.noteId(), null);
        assertThat(v.access()).isEqualTo("FULL");
        assertThat(v.sections()).containsKeys(NoteSection.values());
    }

    @Test
    void anotherSpecialistConsultingTheSamePatientReadsSignedNotesButNotDrafts() {
        t.urgentCall(patient, PEDIA, "call-matrix-pedia");
        assertThat(t.records.notes().read(PEDIA, signed.noteId(), 1).sections()).containsKey(NoteSection.FINDINGS);
        assertThat(t.records.patients().get(PEDIA, patient.id()).fullName()).isEqualTo("Zineb Matrix");

        Consultation other = t.urgentCall(patient, CARDIO, "call-matrix-draft");
        NoteView draft = t.records.notes().writeDraft(CARDIO, other.id(), note("draft-only"));
        assertThatThrownBy(() -> t.records.notes().read(PEDIA, draft.noteId(), null))
                .isInstanceOfSatisfying(RecordsException.class,
                        e -> assertThat(e.code()).isEqualTo(RecordsError.NOTE_VERSION_NOT_FOUND));
        denied(() -> t.records.notes().read(PEDIA, draft.noteId(), 1));
    }

    @Test
    void aSpecialistWithoutAConsultationWithThePatientReadsNothing() {
        denied(() -> t.records.notes().read(DERM, signed.noteId(), null));
        denied(() -> t.records.patients().get(DERM, patient.id()));
        denied(() -> t.records.consultations().ofPatient(DERM, patient.id()));
        denied(() -> t.records.fhir().patientBundle(DERM, patient.id()));
        denied(() -> t.records.notes().writeDraft(DERM, consultation.id(), note("intruder")));
    }

    @Test
    void theNurseOfThePatientsDispensaryReadsOnlyPlanPrescriptionAndFollowUp() {
        NoteView v = t.records.notes().read(NURSE1, signed.noteId(), null);
        assertThat(v.access()).isEqualTo("CARE_PLAN");
        assertThat(v.sections()).containsOnlyKeys(NoteSection.PLAN, NoteSection.PRESCRIPTION, NoteSection.FOLLOW_UP);
        assertThat(v.withheld()).contains(NoteSection.FINDINGS, NoteSection.ASSESSMENT, NoteSection.HISTORY);
        assertThat(t.records.patients().get(NURSE1, patient.id()).fullName()).isEqualTo("Zineb Matrix");
        denied(() -> t.records.notes().writeDraft(NURSE1, consultation.id(), note("nurse")));
        denied(() -> t.records.notes().sign(NURSE1, signed.noteId()));
    }

    @Test
    void aNurseOfAnotherDispensarySeesNeitherThePatientNorTheNote() {
        denied(() -> t.records.notes().read(NURSE2, signed.noteId(), null));
        denied(() -> t.records.patients().get(NURSE2, patient.id()));
        denied(() -> t.records.patients().ofDispensary(NURSE2, "disp-tinghir", "", 50));
        denied(() -> t.records.patients().register(NURSE2, new NewPatient("X", null, 1980, Sex.MALE, "disp-tinghir",
                "ar", null, null, true)));
    }

    @Test
    void coordinatorsReadDemographicsAndOpenConsultationsButNeverClinicalContent() {
        assertThat(t.records.patients().get(COORD, patient.id()).dispensaryId()).isEqualTo("disp-tinghir");
        Consultation booked = t.records.openConsultation(COORD, new OpenConsultation(patient.id(),
                ConsultationOrigin.APPOINTMENT, "appt-matrix-1", "dr.gyneco", null, ConsultationMode.VIDEO, null));
        assertThat(booked.specialistId()).isEqualTo("dr.gyneco");
        denied(() -> t.records.notes().read(COORD, signed.noteId(), null));
        denied(() -> t.records.notes().breakGlass(COORD, signed.noteId(), null, "I need to see this note now"));
        denied(() -> t.records.fhir().patientBundle(COORD, patient.id()));
    }

    @Test
    void adminsRunAuditAndKeysButNeverReadPatientsOrNotes() {
        denied(() -> t.records.patients().get(ADMIN, patient.id()));
        denied(() -> t.records.notes().read(ADMIN, signed.noteId(), null));
        denied(() -> t.records.patients().ofDispensary(ADMIN, "disp-tinghir", "", 10));
        assertThat(t.records.keyOperations().verifyAudit(ADMIN).intact()).isTrue();
    }

    @Test
    void specialistsCannotGrantThemselvesAccessByOpeningAConsultation() {
        denied(() -> t.records.openConsultation(DERM, new OpenConsultation(patient.id(),
                ConsultationOrigin.URGENT_CALL, "call-self-grant", "dr.derm", null, ConsultationMode.VIDEO, null)));
        denied(() -> t.records.patients().get(DERM, patient.id()));
    }

    @Test
    void breakGlassNeedsAReasonAndIsAudited() {
        Actor stranger = new Actor("dr.urgence", Role.SPECIALIST, null, java.util.Set.of("cardiology"), "10.9.9.9");
        assertThatThrownBy(() -> t.records.notes().breakGlass(stranger, signed.noteId(), null, " short "))
                .isInstanceOfSatisfying(RecordsException.class,
                        e -> assertThat(e.code()).isEqualTo(RecordsError.BREAK_GLASS_REASON_REQUIRED));
        NoteView v = t.records.notes().breakGlass(stranger, signed.noteId(), null,
                "Patient unconscious at the emergency room");
        assertThat(v.access()).isEqualTo("BREAK_GLASS");
        assertThat(v.sections()).containsKey(NoteSection.ASSESSMENT);
        List<AuditEntry> entries = t.records.audit().entries(null, 10_000);
        assertThat(entries).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo(AuditAction.BREAK_GLASS_READ);
            assertThat(e.actorId()).isEqualTo("dr.urgence");
            assertThat(e.from()).isEqualTo("10.9.9.9");
            assertThat(e.detail()).isEqualTo("Patient unconscious at the emergency room");
        });
    }

    @Test
    void refusedAttemptsAreAuditedToo() {
        denied(() -> t.records.notes().read(DERM, signed.noteId(), 1));
        assertThat(t.records.audit().entries(null, 10_000)).anySatisfy(e -> {
            assertThat(e.actorId()).isEqualTo("dr.derm");
            assertThat(e.action()).isEqualTo(AuditAction.NOTE_READ);
            assertThat(e.outcome()).isEqualTo(AuditOutcome.DENIED);
            assertThat(e.patientId()).isEqualTo(patient.id());
        });
    }

    @Test
    void consultationsNeedTheRecordedConsentOfThePatient() {
        Patient noConsent = t.records.patients().register(NURSE1, new NewPatient("Omar Noconsent",
                LocalDate.of(2001, 1, 1), null, Sex.MALE, "disp-tinghir", "ar", null, null, false));
        assertThatThrownBy(() -> t.urgentCall(noConsent, CARDIO, "call-consent-1"))
                .isInstanceOfSatisfying(RecordsException.class,
                        e -> assertThat(e.code()).isEqualTo(RecordsError.CONSENT_REQUIRED));
        t.records.patients().recordConsent(NURSE1, noConsent.id(), true);
        assertThat(t.urgentCall(noConsent, CARDIO, "call-consent-1").patientId()).isEqualTo(noConsent.id());
    }

    @Test
    void onlyANurseOfThePatientsDispensaryRecordsConsent() {
        Patient undecided = t.records.patients().register(NURSE1, new NewPatient("Aicha Undecided",
                LocalDate.of(1990, 5, 5), null, Sex.FEMALE, "disp-tinghir", "ar", null, null, false));
        denied(() -> t.records.patients().recordConsent(COORD, undecided.id(), true));
        denied(() -> t.records.patients().recordConsent(NURSE2, undecided.id(), true));
        denied(() -> t.records.patients().recordConsent(CARDIO, undecided.id(), true));
        denied(() -> t.records.patients().recordConsent(ADMIN, undecided.id(), true));
        assertThat(t.records.patients().get(NURSE1, undecided.id()).consent().teleconsultation()).isFalse();
        assertThat(t.records.audit().entries(null, 10_000)).anySatisfy(e -> {
            assertThat(e.actorId()).isEqualTo("coord1");
            assertThat(e.action()).isEqualTo(AuditAction.PATIENT_UPDATE);
            assertThat(e.outcome()).isEqualTo(AuditOutcome.DENIED);
            assertThat(e.patientId()).isEqualTo(undecided.id());
        });

        Patient agreed = t.records.patients().recordConsent(NURSE1, undecided.id(), true);
        assertThat(agreed.consent().teleconsultation()).isTrue();
        assertThat(agreed.consent().recordedBy()).isEqualTo("nurse1");
    }

    @Test
    void theKeylessEligibilityCheckDecidesAsOpeningAConsultationDoes() {
        Patient undecided = t.records.patients().register(NURSE1, new NewPatient("Brahim Eligible",
                LocalDate.of(1970, 2, 2), null, Sex.MALE, "disp-tinghir", "ar", null, null, false));
        var eligibility = new ma.tabiblink.records.consultation.ConsultationEligibility(t.redis);
        assertThat(eligibility.refusal(NURSE1, patient.id())).isEmpty();
        assertThat(eligibility.refusal(COORD, patient.id())).isEmpty();
        assertThat(eligibility.refusal(NURSE2, patient.id())).contains(RecordsError.ACCESS_DENIED);
        assertThat(eligibility.refusal(DERM, patient.id())).contains(RecordsError.ACCESS_DENIED);
        assertThat(eligibility.refusal(NURSE2, undecided.id())).contains(RecordsError.ACCESS_DENIED);
        assertThat(eligibility.refusal(NURSE1, undecided.id())).contains(RecordsError.CONSENT_REQUIRED);
        assertThat(eligibility.refusal(NURSE1, "pat-00000000000000000000000000000000"))
                .contains(RecordsError.PATIENT_NOT_FOUND);
        assertThat(eligibility.refusal(NURSE1, "pat-001")).contains(RecordsError.PATIENT_NOT_FOUND);
    }
}
