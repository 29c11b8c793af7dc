package ma.tabiblink.records.audit;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ma.tabiblink.records.RecordsException;

/**
 * A signed statement of the audit chain's state at one moment: "entry {@code seq} has hash {@code hash}", with a
 * MAC under the audit key. Kept off the server (printed, mailed, in another system), it lets a later verification
 * prove that the chain still holds that entry unchanged, so that deleting the newest entries and putting back an
 * older head (copied earlier, or read from an old AOF or backup) is detected.
 *
 * <p>Its text form is one line: {@code tabib-audit-checkpoint/v1 seq=<n> hash=<hex> at=<UTC instant> mac=<hex>}.
 */
public record AuditCheckpoint(long seq, String hash, Instant at, String mac) {

    static final String FORMAT = "tabib-audit-checkpoint/v1";
    private static final Pattern LINE = Pattern.compile(
            "tabib-audit-checkpoint/v1 seq=(\\d{1,18}) hash=([0-9a-f]{64}|) at=(\\S+) mac=([0-9a-f]{64})");

    /** The bytes the MAC covers. */
    String signedText() {
        return FORMAT + "\n" + seq + "\n" + hash + "\n" + at;
    }

    public String toLine() {
        return FORMAT + " seq=" + seq + " hash=" + hash + " at=" + at + " mac=" + mac;
    }

    /** Reads a checkpoint line; a malformed one is {@code INVALID_INPUT}. */
    public static AuditCheckpoint parse(String line) {
        Matcher m = LINE.matcher(line.strip());
        if (!m.matches()) {
            throw RecordsException.invalid("Not an audit checkpoint line (" + FORMAT + " seq=… hash=… at=… mac=…)");
        }
        try {
            return new AuditCheckpoint(Long.parseLong(m.group(1)), m.group(2), Instant.parse(m.group(3)), m.group(4));
        } catch (DateTimeParseException e) {
            throw RecordsException.invalid("The checkpoint's time is not an ISO-8601 instant");
        }
    }
}
