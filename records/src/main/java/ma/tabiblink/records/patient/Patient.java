package ma.tabiblink.records.patient;

import java.time.Instant;
import java.time.LocalDate;

/**
 * A patient as shown to staff. The national ID and insurance number are never read back: only their last
 * characters ({@code maskedNationalId}, {@code maskedInsuranceNumber}) to confirm a match.
 */
public record Patient(String id, String fullName, LocalDate birthDate, Integer birthYear, Sex sex,
                      String dispensaryId, String preferredLanguage, String maskedNationalId,
                      String maskedInsuranceNumber, Consent consent, Instant createdAt, String createdBy) {
}
