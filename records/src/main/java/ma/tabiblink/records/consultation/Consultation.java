package ma.tabiblink.records.consultation;

import java.time.Instant;

/** A consultation (FHIR Encounter, class virtual). {@code endedAt} is null until it ends. */
public record Consultation(String id, String patientId, String dispensaryId, ConsultationOrigin origin,
                           String originRef, String specialistId, String nurseId, ConsultationMode mode,
                           ConsultationStatus status, Instant openedAt, String openedBy, Instant startAt,
                           Instant endedAt) {
}
