package ma.tabiblink.records.consultation;

/** Lifecycle of a consultation; {@link #fhirCode()} is the FHIR Encounter.status code. */
public enum ConsultationStatus {
    PLANNED("planned"), IN_PROGRESS("in-progress"), FINISHED("finished"), CANCELLED("cancelled");

    private final String fhirCode;

    ConsultationStatus(String fhirCode) {
        this.fhirCode = fhirCode;
    }

    public String fhirCode() {
        return fhirCode;
    }

    boolean canMoveTo(ConsultationStatus next) {
        return switch (this) {
            case PLANNED -> next != PLANNED;
            case IN_PROGRESS -> next == FINISHED || next == CANCELLED;
            case FINISHED, CANCELLED -> false;
        };
    }
}
