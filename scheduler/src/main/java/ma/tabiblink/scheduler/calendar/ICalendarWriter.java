package ma.tabiblink.scheduler.calendar;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;

/**
 * Writes RFC 5545 content lines: CRLF endings, lines folded at 75 octets without splitting a UTF-8 character,
 * TEXT values escaped, and VTIMEZONE components generated from java.time's zone rules.
 */
final class ICalendarWriter {

    private static final int MAX_OCTETS = 75;
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final StringBuilder out = new StringBuilder();

    ICalendarWriter line(String name, String value) {
        fold(name + ":" + value);
        return this;
    }

    /** A property whose value is TEXT: backslash, semicolon, comma and newlines are escaped. */
    ICalendarWriter text(String name, String value) {
        return line(name, escape(value));
    }

    ICalendarWriter utc(String name, Instant instant) {
        return line(name, UTC.format(instant));
    }

    /**
     * A DATE-TIME as local time with TZID. A local time that occurs twice (clock set back) means its first occurrence
     * (RFC 5545 §3.3.5), so an instant in the second occurrence is written in UTC instead.
     */
    ICalendarWriter zoned(String name, Instant instant, ZoneId zone) {
        LocalDateTime local = LocalDateTime.ofInstant(instant, zone);
        ZoneRules rules = zone.getRules();
        if (rules.getValidOffsets(local).size() > 1 && !rules.getValidOffsets(local).get(0).equals(rules.getOffset(instant))) {
            return utc(name, instant);
        }
        return line(name + ";TZID=" + zone.getId(), LOCAL.format(local));
    }

    /** A VTIMEZONE for {@code zone} covering [{@code from}, {@code to}]: the observance in force, then each change. */
    ICalendarWriter timezone(ZoneId zone, Instant from, Instant to) {
        ZoneRules rules = zone.getRules();
        line("BEGIN", "VTIMEZONE").line("TZID", zone.getId());
        ZoneOffsetTransition previous = rules.previousTransition(from);
        if (previous == null) {
            ZoneOffset offset = rules.getOffset(from);
            observance("STANDARD", LocalDateTime.of(1970, 1, 1, 0, 0), offset, offset);
        } else {
            observance(rules, previous);
        }
        ZoneOffsetTransition next = rules.nextTransition(from);
        while (next != null && !next.getInstant().isAfter(to)) {
            observance(rules, next);
            next = rules.nextTransition(next.getInstant());
        }
        return line("END", "VTIMEZONE");
    }

    private void observance(ZoneRules rules, ZoneOffsetTransition transition) {
        String kind = rules.isDaylightSavings(transition.getInstant()) ? "DAYLIGHT" : "STANDARD";
        observance(kind, transition.getDateTimeBefore(), transition.getOffsetBefore(), transition.getOffsetAfter());
    }

    private void observance(String kind, LocalDateTime start, ZoneOffset offsetFrom, ZoneOffset offsetTo) {
        line("BEGIN", kind)
                .line("DTSTART", LOCAL.format(start))
                .line("TZOFFSETFROM", offset(offsetFrom))
                .line("TZOFFSETTO", offset(offsetTo))
                .line("TZNAME", offsetTo.getTotalSeconds() == 0 ? "+00" : offsetTo.getId().replace(":00", ""))
                .line("END", kind);
    }

    private static String offset(ZoneOffset offset) {
        int seconds = offset.getTotalSeconds();
        int abs = Math.abs(seconds);
        String text = String.format("%s%02d%02d", seconds < 0 ? "-" : "+", abs / 3600, abs / 60 % 60);
        return abs % 60 == 0 ? text : text + String.format("%02d", abs % 60);
    }

    static String escape(String value) {
        return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
                .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n");
    }

    private void fold(String line) {
        int octets = 0;
        int limit = MAX_OCTETS;
        for (int i = 0; i < line.length(); ) {
            int codePoint = line.codePointAt(i);
            int size = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8).length;
            if (octets + size > limit) {
                out.append("\r\n ");
                octets = 0;
                limit = MAX_OCTETS - 1;
            }
            out.appendCodePoint(codePoint);
            octets += size;
            i += Character.charCount(codePoint);
        }
        out.append("\r\n");
    }

    String build() {
        return out.toString();
    }
}
