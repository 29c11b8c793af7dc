package ma.tabiblink.scheduler.booking;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/** FHIR R4 Appointment.status values the scheduler uses. */
public enum AppointmentStatus {
    PENDING("pending"),
    BOOKED("booked"),
    ARRIVED("arrived"),
    FULFILLED("fulfilled"),
    CANCELLED("cancelled"),
    NOSHOW("noshow"),
    WAITLIST("waitlist"),
    ENTERED_IN_ERROR("entered-in-error");

    private final String code;

    AppointmentStatus(String code) {
        this.code = code;
    }

    @JsonValue
    public String code() {
        return code;
    }

    public static AppointmentStatus fromCode(String code) {
        return Arrays.stream(values()).filter(s -> s.code.equals(code)).findFirst()
                .orElseThrow(() -> new IllegalStateException("unknown appointment status " + code));
    }

    /** Whether an appointment in this status occupies its specialist's and patient's time. */
    public boolean occupiesTime() {
        return this == PENDING || this == BOOKED || this == ARRIVED || this == FULFILLED;
    }
}
