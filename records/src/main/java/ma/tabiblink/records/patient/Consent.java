package ma.tabiblink.records.patient;

import java.time.Instant;

/** The patient's consent to teleconsultation, who recorded it and when. */
public record Consent(boolean teleconsultation, Instant recordedAt, String recordedBy) {
}
