package ma.tabiblink.records.cases;

import java.nio.charset.StandardCharsets;
import ma.tabiblink.records.RecordsException;

/**
 * The EBML header that opens a WebM (or Matroska) file: its elements must parse within it and its DocType must be
 * "webm" or "matroska". Browser recordings carry no personal metadata, so nothing is removed.
 */
final class WebmHeader {

    private static final int EBML_ID_BYTES = 4;
    private static final long DOC_TYPE = 0x4282;
    private static final int MAX_ID_BYTES = 4;
    private static final int MAX_SIZE_BYTES = 8;

    private WebmHeader() {
    }

    /** An EBML variable-length integer: its value (without the length marker for sizes) and how many bytes it took. */
    private record Vint(long value, int bytes, boolean unknown) {
    }

    static void check(byte[] webm) {
        int pos = EBML_ID_BYTES;
        Vint headerSize = size(webm, pos);
        pos += headerSize.bytes();
        if (headerSize.unknown() || headerSize.value() > webm.length - pos) {
            throw malformed();
        }
        int end = pos + (int) headerSize.value();
        String docType = null;
        while (pos < end) {
            Vint id = vint(webm, pos, end, MAX_ID_BYTES, false);
            pos += id.bytes();
            Vint size = size(webm, pos);
            pos += size.bytes();
            if (pos > end || size.unknown() || size.value() > end - pos) {
                throw malformed();
            }
            if (id.value() == DOC_TYPE) {
                // EBML strings may be padded with zero bytes.
                docType = new String(webm, pos, (int) size.value(), StandardCharsets.US_ASCII).replaceAll("\0+$", "");
            }
            pos += (int) size.value();
        }
        if (!"webm".equals(docType) && !"matroska".equals(docType)) {
            throw AttachmentContent.refused("This file is not a WebM voice recording");
        }
    }

    private static Vint size(byte[] webm, int pos) {
        return vint(webm, pos, webm.length, MAX_SIZE_BYTES, true);
    }

    private static Vint vint(byte[] webm, int pos, int limit, int maxBytes, boolean dropMarker) {
        if (pos >= limit) {
            throw malformed();
        }
        int first = webm[pos] & 0xFF;
        int bytes = Integer.numberOfLeadingZeros(first) - 23;
        if (first == 0 || bytes > maxBytes || pos + bytes > limit) {
            throw malformed();
        }
        long value = dropMarker ? first & (0xFF >> bytes) : first;
        boolean allOnes = value == (0xFF >> bytes);
        for (int i = 1; i < bytes; i++) {
            int b = webm[pos + i] & 0xFF;
            value = value << 8 | b;
            allOnes &= b == 0xFF;
        }
        return new Vint(value, bytes, dropMarker && allOnes);
    }

    private static RecordsException malformed() {
        return AttachmentContent.refused("The voice note is not a complete WebM recording; it may be damaged");
    }
}
