package ma.tabiblink.signaling.auth;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class PlaceNamesTest {

    private static final Instant EXPIRY = Instant.parse("2030-01-01T00:00:00Z");

    /** As each token brings its own copy of the names. */
    private static Identity nurse(String id, String dispensary, String province) {
        return new Identity(id, null, Role.NURSE, new String(dispensary.toCharArray()),
                new String(province.toCharArray()), Set.of(), EXPIRY, "signin-" + id);
    }

    @Test
    void nursesOfOneDispensaryShareOneCopyOfItsNameAndProvince() {
        Identity first = nurse("nurse-p1", "disp-shared-1", "Tinghir");
        Identity second = nurse("nurse-p2", "disp-shared-1", "Tinghir");

        assertThat(second.dispensaryId()).isEqualTo("disp-shared-1").isSameAs(first.dispensaryId());
        assertThat(second.province()).isEqualTo("Tinghir").isSameAs(first.province());
        assertThat(second.withExpiry(EXPIRY.plusSeconds(60)).dispensaryId()).isSameAs(first.dispensaryId());
    }

    @Test
    void namesThatAreAbsentStayAbsent() {
        Identity specialist = new Identity("dr.p3", "Dr P3", Role.SPECIALIST, null, null, Set.of("cardiology"),
                EXPIRY);

        assertThat(specialist.dispensaryId()).isNull();
        assertThat(specialist.province()).isNull();
    }
}
