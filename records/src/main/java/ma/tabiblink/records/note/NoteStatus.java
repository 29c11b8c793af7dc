package ma.tabiblink.records.note;

/** Status of one note version; {@link #fhirDocStatus()} is the FHIR DocumentReference.docStatus. */
public enum NoteStatus {
    DRAFT("preliminary"), FINAL("final"), AMENDED("amended");

    private final String fhirDocStatus;

    NoteStatus(String fhirDocStatus) {
        this.fhirDocStatus = fhirDocStatus;
    }

    public String fhirDocStatus() {
        return fhirDocStatus;
    }
}
