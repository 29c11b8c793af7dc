package ma.tabiblink.records.patient;

/** Administrative sex, as FHIR's AdministrativeGender. */
public enum Sex {
    FEMALE, MALE, OTHER, UNKNOWN;

    public String fhirCode() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
