package ma.tabiblink.records.patient;

import java.util.Locale;

/** Administrative sex, as FHIR's AdministrativeGender. */
public enum Sex {
    FEMALE, MALE, OTHER, UNKNOWN;

    public String fhirCode() {
        return name().toLowerCase(Locale.ROOT);
    }
}
