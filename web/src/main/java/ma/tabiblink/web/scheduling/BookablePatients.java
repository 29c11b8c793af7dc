package ma.tabiblink.web.scheduling;

import org.springframework.stereotype.Component;

import ma.tabiblink.records.Records;
import ma.tabiblink.records.RecordsError;
import ma.tabiblink.records.RecordsException;
import ma.tabiblink.records.patient.PatientRegistry;
import ma.tabiblink.web.error.ApiError;
import ma.tabiblink.web.error.ApiException;

/**
 * The patient of a booking must exist and belong to the dispensary the consultation is booked for: otherwise the
 * appointment would bring a specialist to a patient no nurse there can see, or to nobody. The scheduler knows
 * patients only by reference, so the check is made here with the records module, before anything is held or booked.
 */
@Component
class BookablePatients {

    private final Records records;

    BookablePatients(Records records) {
        this.records = records;
    }

    /** Refuses with {@code UNKNOWN_PATIENT} (404), {@code PATIENT_ERASED} (410) or {@code PATIENT_OF_ANOTHER_DISPENSARY} (409). */
    void require(String patientRef, String dispensaryId) {
        PatientRegistry.PatientFacts patient;
        try {
            patient = records.patients().facts(patientRef);
        } catch (RecordsException e) {
            if (e.code() == RecordsError.PATIENT_NOT_FOUND) {
                throw new ApiException(ApiError.UNKNOWN_PATIENT, "No registered patient has this patientRef.");
            }
            throw e;
        }
        if (!patient.dispensaryId().equals(dispensaryId)) {
            throw new ApiException(ApiError.PATIENT_OF_ANOTHER_DISPENSARY,
                    "This patient is registered at another dispensary than " + dispensaryId + ".");
        }
    }
}
