package ma.tabiblink.records.patient;

/** Identifiers a patient can be looked up by (through a keyed hash; never listed). */
public enum IdentifierType {
    NATIONAL_ID, INSURANCE_NUMBER
}
