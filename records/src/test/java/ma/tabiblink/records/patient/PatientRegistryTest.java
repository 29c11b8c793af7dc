package ma.tabiblink.records.patient;

import static ma.tabiblink.records.TestRecords.CARDIO;
import static ma.tabiblink.records.TestRecords.COORD;
import static ma.tabiblink.records.TestRecords.NURSE1;
import static ma.tabiblink.records.TestRecords.NURSE2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.List;
import ma.tabiblink.records.RecordsError;
import ma.tabiblink.records.RecordsException;
import ma.tabiblink.records.TestRecords;
import ma.tabiblink.records.consultation.Consultation;
import ma.tabiblink.records.consultation.ConsultationMode;
import ma.tabiblink.records.consultation.ConsultationStatus;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class PatientRegistryTest {

    static TestRecords t;

    @BeforeAll
    static void start() {
        t = new TestRecords();
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    private static void fails(RecordsError code, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(RecordsException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void aPatientIsFoundByNationalIdButTheIdIsOnlyEverShownMasked() {
        Patient p = t.tinghirPatient("Ahmed Lookup", "ab 123 456");
        Patient found = t.records.patients().findByIdentifier(NURSE1, IdentifierType.NATIONAL_ID, "AB123456");
        assertThat(found.id()).isEqualTo(p.id());
        assertThat(found.maskedNationalId()).isEqualTo("*****456");
        assertThat(found.toString()).doesNotContain("AB123456");
        fails(RecordsError.PATIENT_NOT_FOUND,
                () -> t.records.patients().findByIdentifier(NURSE1, IdentifierType.NATIONAL_ID, "AB123457"));
    }

    @Test
    void aNationalIdCanBeRegisteredOnlyOnce() {
        t.tinghirPatient("First Holder", "CD987654");
        fails(RecordsError.PATIENT_DUPLICATE, () -> t.tinghirPatient("Second Holder", "cd987654"));
    }

    @Test
    void theNurseSearchesTheirDispensaryByNameIgnoringAccentsAndCase() {
        t.tinghirPatient("Hélène Zaïd", null);
        t.tinghirPatient("Brahim Zaid", null);
        t.azilalPatient("Zaid Azilal");
        List<Patient> found = t.records.patients().ofDispensary(NURSE1, "disp-tinghir", "zaid", 50);
        assertThat(found).extracting(Patient::fullName).containsExactly("Brahim Zaid", "Hélène Zaïd");
        assertThat(t.records.patients().ofDispensary(NURSE2, "disp-azilal", "ZAID", 50))
                .extracting(Patient::fullName).containsExactly("Zaid Azilal");
        assertThat(t.records.patients().ofDispensary(COORD, "disp-azilal", "", 50)).isNotEmpty();
    }

    @Test
    void invalidRegistrationsAreRefusedWithAClearCode() {
        fails(RecordsError.INVALID_INPUT, () -> t.records.patients().register(NURSE1, new NewPatient(" ", null, 1980,
                Sex.FEMALE, "disp-tinghir", "ar", null, null, true)));
        fails(RecordsError.INVALID_INPUT, () -> t.records.patients().register(NURSE1, new NewPatient("No Birth", null,
                null, Sex.FEMALE, "disp-tinghir", "ar", null, null, true)));
        fails(RecordsError.INVALID_INPUT, () -> t.records.patients().register(NURSE1, new NewPatient("Future",
                LocalDate.of(2030, 1, 1), null, Sex.FEMALE, "disp-tinghir", "ar", null, null, true)));
        fails(RecordsError.INVALID_INPUT, () -> t.records.patients().register(NURSE1, new NewPatient("Bad Id", null,
                1980, Sex.FEMALE, "disp-tinghir", "ar", "12-XYZ", null, true)));
        fails(RecordsError.PATIENT_NOT_FOUND, () -> t.records.patients().get(NURSE1, "pat-doesnotexist"));
        fails(RecordsError.PATIENT_NOT_FOUND,
                () -> t.records.patients().get(NURSE1, "pat-0123456789abcdef0123456789abcdef"));
    }

    @Test
    void openingAConsultationForTheSameCallTwiceGivesTheSameConsultation() {
        Patient p = t.tinghirPatient("Idem Potent", null);
        Consultation a = t.urgentCall(p, CARDIO, "call-idem-1");
        Consultation b = t.urgentCall(p, CARDIO, "call-idem-1");
        assertThat(b.id()).isEqualTo(a.id());
        assertThat(t.records.consultations().ofPatient(CARDIO, p.id())).hasSize(1);
        Consultation done = t.records.consultations().update(CARDIO, a.id(), ConsultationStatus.FINISHED,
                ConsultationMode.AUDIO);
        assertThat(done.status()).isEqualTo(ConsultationStatus.FINISHED);
        assertThat(done.mode()).isEqualTo(ConsultationMode.AUDIO);
        assertThat(done.endedAt()).isNotNull();
        fails(RecordsError.INVALID_INPUT, () -> t.records.consultations().update(CARDIO, a.id(),
                ConsultationStatus.IN_PROGRESS, null));
    }
}
