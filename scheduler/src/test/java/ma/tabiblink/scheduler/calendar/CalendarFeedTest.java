package ma.tabiblink.scheduler.calendar;

import static ma.tabiblink.scheduler.Fixtures.COORDINATOR;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import ma.tabiblink.scheduler.SchedulerTestSupport;
import ma.tabiblink.scheduler.availability.Slot;
import ma.tabiblink.scheduler.booking.Appointment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class CalendarFeedTest extends SchedulerTestSupport {

    @Test
    void theFeedListsConsultationsAtLocalTimeWithAVtimezoneCoveringTheRamadanChanges() {
        clock.set(Instant.parse("2026-02-10T08:00:00Z"));
        Slot beforeRamadan = freeSlots("dr.cardio", LocalDate.of(2026, 2, 13)).get(0);
        Slot duringRamadan = freeSlots("dr.cardio", LocalDate.of(2026, 2, 16)).get(0);
        Appointment first = scheduler.bookings().book(COORDINATOR, request(beforeRamadan, "pat-1"), key());
        Appointment second = scheduler.bookings().book(COORDINATOR, request(duringRamadan, "pat-2"), key());
        scheduler.bookings().cancel(COORDINATOR, second.id(), "moved, clinic closed; see note");

        String ics = scheduler.calendar().specialistCalendar("dr.cardio",
                Instant.parse("2026-02-01T00:00:00Z"), Instant.parse("2026-04-01T00:00:00Z"));
        String unfolded = ics.replace("\r\n ", "");
        List<String> lines = Arrays.asList(unfolded.split("\r\n"));

        assertThat(ics).startsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n").endsWith("END:VCALENDAR\r\n");
        assertThat(lines).contains("TZID:Africa/Casablanca",
                "DTSTART;TZID=Africa/Casablanca:20260213T090000",
                "DTSTART;TZID=Africa/Casablanca:20260216T090000",
                "UID:" + first.id() + "@tabib-link",
                "STATUS:CONFIRMED", "STATUS:CANCELLED");
        // The observance in force on 1 February (+01 since the 2025 Ramadan) and the two changes of 2026.
        assertThat(unfolded).contains("DTSTART:20260215T030000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0000");
        assertThat(unfolded).contains("DTSTART:20260322T020000\r\nTZOFFSETFROM:+0000\r\nTZOFFSETTO:+0100");
        assertThat(lines.stream().filter(l -> l.equals("BEGIN:VEVENT"))).hasSize(2);
        assertThat(ics.split("\r\n")).allSatisfy(line ->
                assertThat(line.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(75));
    }

    @Test
    void aTimeInTheRepeatedHourIsWrittenInUtcSoItIsNotReadAsTheFirstOccurrence() {
        ICalendarWriter writer = new ICalendarWriter();
        ZoneId paris = ZoneId.of("Europe/Paris");
        // 2026-10-25 02:30 happens twice in Paris; 01:30Z is the second time (UTC+1).
        writer.zoned("DTSTART", Instant.parse("2026-10-25T00:30:00Z"), paris);
        writer.zoned("DTSTART", Instant.parse("2026-10-25T01:30:00Z"), paris);

        assertThat(writer.build()).isEqualTo(
                "DTSTART;TZID=Europe/Paris:20261025T023000\r\nDTSTART:20261025T013000Z\r\n");
    }

    @Test
    void textIsEscapedAndLongLinesAreFoldedWithoutSplittingACharacter() {
        String arabic = "استشارة طبية عن بعد في مركز صحي قروي – تنغير، مع طبيب القلب";
        ICalendarWriter writer = new ICalendarWriter().text("SUMMARY", "a,b;c\\d\nnext " + arabic);

        String out = writer.build();

        for (String line : out.split("\r\n")) {
            assertThat(line.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(75);
        }
        assertThat(out.split("\r\n").length).isGreaterThan(1);
        assertThat(out.replace("\r\n ", "")).isEqualTo("SUMMARY:a\\,b\\;c\\\\d\\nnext " + arabic + "\r\n");
    }

    @Test
    void aZoneWithoutChangesGetsASingleStandardObservance() {
        String out = new ICalendarWriter().timezone(ZoneId.of("UTC"), Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-12-31T00:00:00Z").plus(Duration.ofDays(1))).build();

        assertThat(out).isEqualTo("BEGIN:VTIMEZONE\r\nTZID:UTC\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
                + "TZOFFSETFROM:+0000\r\nTZOFFSETTO:+0000\r\nTZNAME:+00\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n");
    }
}
