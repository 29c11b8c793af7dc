package ma.tabiblink.records.patient;

import java.time.LocalDate;

/**
 * What a nurse enters to register a patient. Either {@code birthDate} or {@code birthYear} is given.
 * {@code nationalId} (CNIE) and {@code insuranceNumber} are optional.
 */
public record NewPatient(String fullName, LocalDate birthDate, Integer birthYear, Sex sex, String dispensaryId,
                         String preferredLanguage, String nationalId, String insuranceNumber,
                         boolean teleconsultationConsent) {
}
