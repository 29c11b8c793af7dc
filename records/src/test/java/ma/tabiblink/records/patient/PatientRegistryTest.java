package ma.tabiblink.records.patient;

import static ma.tabiblink.records.TestRecords.CARDIO;
import static ma.tabiblink.records.TestRecords.COORD;
import static ma.tabiblink.records.TestRecords.NURSE1;
import static ma.tabiblink.records.TestRecords.NURSE2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import ma.tabiblink.records.Actor;
import ma.tabiblink.records.Role;
import ma.tabiblink.records.RedisKeys;
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

    private static NewPatient tinghir(String name, int year, String nationalId) {
        return new NewPatient(name, null, year, Sex.FEMALE, "disp-tinghir", "ar", nationalId, null, true);
    }

    private static RecordsException refusal(ThrowingCallable call) {
        try {
            call.call();
        } catch (RecordsException e) {
            return e;
        } catch (Throwable other) {
            throw new AssertionError(other);
        }
        throw new AssertionError("expected a refusal");
    }

    @Test
    void theSameRegistrationRetriedWithItsKeyGivesTheSamePatientOnce() {
        Patient first = t.records.patients().register(NURSE1, tinghir("Itto Retry", 1970, "RT123456"), "reg-k1", false);
        Patient again = t.records.patients().register(NURSE1, tinghir("Itto Retry", 1970, "RT123456"), "reg-k1", false);
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(t.records.patients().ofDispensary(NURSE1, "disp-tinghir", "itto retry", 50)).hasSize(1);
        assertThat(t.redis.ttl(RedisKeys.patientIdempotency("nurse1", "reg-k1")))
                .isPositive().isLessThanOrEqualTo(PatientRegistry.IDEMPOTENCY_SECONDS);
    }

    @Test
    void aRegistrationKeyReusedForAnotherPatientIsRefused() {
        t.records.patients().register(NURSE1, tinghir("Key Owner", 1971, null), "reg-k2", false);
        fails(RecordsError.IDEMPOTENCY_KEY_REUSED,
                () -> t.records.patients().register(NURSE1, tinghir("Someone Other", 1972, null), "reg-k2", false));
    }

    @Test
    void registrationKeysAreScopedToTheirUser() {
        Actor colleague = new Actor("nurse1b", Role.NURSE, "disp-tinghir", Set.of(), "10.0.0.12");
        Patient mine = t.records.patients().register(NURSE1, tinghir("Scoped Key", 1973, null), "reg-k3", false);
        Patient theirs = t.records.patients().register(colleague, tinghir("Other Scoped", 1974, null), "reg-k3", false);
        assertThat(theirs.id()).isNotEqualTo(mine.id());
    }

    @Test
    void aDuplicateNationalIdShowsTheExistingPatientToANurseOfTheSameDispensaryOnly() {
        Patient existing = t.records.patients().register(NURSE1, tinghir("Fadma Holder", 1960, "DP111222"), null, false);
        RecordsException sameDispensary = refusal(() -> t.records.patients().register(NURSE1,
                tinghir("Fadma Autre", 1961, "dp111222"), null, false));
        assertThat(sameDispensary.code()).isEqualTo(RecordsError.PATIENT_DUPLICATE);
        assertThat(sameDispensary.details()).containsEntry("identifier", "NATIONAL_ID")
                .containsEntry("existing", Map.of("id", existing.id(), "fullName", "Fadma Holder", "birthYear", 1960));

        RecordsException otherDispensary = refusal(() -> t.records.patients().register(NURSE2, new NewPatient(
                "Fadma Ailleurs", null, 1960, Sex.FEMALE, "disp-azilal", "fr", "DP111222", null, true), null, false));
        assertThat(otherDispensary.code()).isEqualTo(RecordsError.PATIENT_DUPLICATE);
        assertThat(otherDispensary.details()).doesNotContainKey("existing");
        assertThat(otherDispensary.toString() + otherDispensary.details()).doesNotContain("Fadma Holder")
                .doesNotContain(existing.id());
    }

    @Test
    void theSameNameAndBirthYearIsALikelyDuplicateUnlessConfirmedDistinct() {
        Patient existing = t.records.patients().register(NURSE1, tinghir("Hélène  Aït-Oufella", 1955, null), null, false);
        RecordsException possible = refusal(() -> t.records.patients().register(NURSE1,
                new NewPatient("helene ait oufella", LocalDate.of(1955, 7, 1), null, Sex.FEMALE, "disp-tinghir", "fr",
                        null, null, true), null, false));
        assertThat(possible.code()).isEqualTo(RecordsError.PATIENT_POSSIBLE_DUPLICATE);
        assertThat(possible.details().get("candidates")).isEqualTo(List.of(
                Map.of("id", existing.id(), "fullName", "Hélène Aït-Oufella", "birthYear", 1955)));

        // Another birth year is another person; a confirmed homonym is registered.
        t.records.patients().register(NURSE1, tinghir("Helene Ait Oufella", 1956, null), null, false);
        Patient homonym = t.records.patients().register(NURSE1, tinghir("HELENE AIT OUFELLA", 1955, null), null, true);
        assertThat(homonym.id()).isNotEqualTo(existing.id());
        RecordsException both = refusal(() -> t.records.patients().register(NURSE1, tinghir("Hélène Ait Oufellà", 1955,
                null), null, false));
        assertThat((List<?>) both.details().get("candidates")).hasSize(2);
    }

    @Test
    void arabicNamesMatchWithoutTheirVowelMarksTatweelOrHamzaSeats() {
        t.records.patients().register(NURSE1, tinghir("فاطمة أيت", 1962, null), null, false);
        fails(RecordsError.PATIENT_POSSIBLE_DUPLICATE, () -> t.records.patients().register(NURSE1,
                tinghir("فَاطِمـه  ايت", 1962, null), null, false));
        assertThat(PatientRegistry.foldName("فَاطِمـة أيت")).isEqualTo(PatientRegistry.foldName("فاطمه ايت"));
    }

    @Test
    void anotherDispensarysPatientWithTheSameNameIsNeitherADuplicateNorShown() {
        t.records.patients().register(NURSE1, tinghir("Moha Homonyme", 1990, null), null, false);
        Patient azilal = t.records.patients().register(NURSE2, new NewPatient("Moha Homonyme", null, 1990, Sex.MALE,
                "disp-azilal", "fr", null, null, true), null, false);
        assertThat(azilal.dispensaryId()).isEqualTo("disp-azilal");
    }

    @Test
    void namesAreIndexedOnlyAsKeyedHashes() {
        t.records.patients().register(NURSE1, tinghir("Zineb Clairnom", 1983, null), null, false);
        assertThat(t.redis.keys("*")).noneMatch(k -> k.toLowerCase(java.util.Locale.ROOT).contains("clairnom"));
    }

    @Test
    void anErasedPatientIsNoLongerALikelyDuplicate() {
        Patient gone = t.records.patients().register(NURSE1, tinghir("Yamna Effacee", 1944, null), null, false);
        t.records.patients().erase(gone.id());
        Patient next = t.records.patients().register(NURSE1, tinghir("Yamna Effacee", 1944, null), null, false);
        assertThat(next.id()).isNotEqualTo(gone.id());
    }
}
