package ma.tabiblink.records.cases;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import ma.tabiblink.records.RecordsException;

/**
 * A JPEG walked marker by marker, from SOI to EOI, keeping what decoding needs and dropping what describes the
 * picture: APP1 (EXIF, XMP), APP3 to APP13, APP15 (camera makers' notes, IPTC, Photoshop resources) and comments.
 * Entropy-coded data after each SOS is copied as it is; the walk goes on after it, since a progressive JPEG has
 * tables and further scans between its scans. Anything after EOI (some phones append a video or a trailer of their
 * own there) is dropped.
 */
final class JpegSegments {

    private static final int TEM = 0x01;
    private static final int RST0 = 0xD0;
    private static final int RST7 = 0xD7;
    private static final int SOI = 0xD8;
    private static final int EOI = 0xD9;
    private static final int SOS = 0xDA;
    private static final int APP0 = 0xE0;
    private static final int APP1 = 0xE1;
    private static final int APP2 = 0xE2;
    private static final int APP14 = 0xEE;
    private static final int APP15 = 0xEF;
    private static final int COM = 0xFE;

    // APP0 and APP2 are kept for JFIF and the ICC colour profile only: the same markers also carry JFXX thumbnails,
    // FlashPix extensions and the index of the extra pictures of a multi-picture file.
    private static final byte[] JFIF = "JFIF\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ICC_PROFILE = "ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII);

    private JpegSegments() {
    }

    static byte[] withoutMetadata(byte[] jpeg) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length);
        out.write(0xFF);
        out.write(SOI);
        int pos = 2;
        boolean scanned = false;
        while (true) {
            if (pos >= jpeg.length || (jpeg[pos] & 0xFF) != 0xFF) {
                throw malformed();
            }
            while (pos < jpeg.length && (jpeg[pos] & 0xFF) == 0xFF) {
                pos++; // fill bytes
            }
            if (pos >= jpeg.length) {
                throw malformed();
            }
            int marker = jpeg[pos++] & 0xFF;
            if (marker == EOI) {
                if (!scanned) {
                    throw malformed();
                }
                out.write(0xFF);
                out.write(EOI);
                return out.toByteArray();
            }
            if (marker == 0x00 || marker == SOI) {
                throw malformed();
            }
            if (marker == TEM || (marker >= RST0 && marker <= RST7)) {
                out.write(0xFF);
                out.write(marker);
                continue;
            }
            if (pos + 2 > jpeg.length) {
                throw malformed();
            }
            int length = (jpeg[pos] & 0xFF) << 8 | jpeg[pos + 1] & 0xFF;
            if (length < 2 || pos + length > jpeg.length) {
                throw malformed();
            }
            if (kept(marker, jpeg, pos + 2, pos + length)) {
                out.write(0xFF);
                out.write(marker);
                out.write(jpeg, pos, length);
            }
            pos += length;
            if (marker == SOS) {
                int end = endOfScan(jpeg, pos);
                out.write(jpeg, pos, end - pos);
                pos = end;
                scanned = true;
            }
        }
    }

    private static boolean kept(int marker, byte[] jpeg, int from, int to) {
        if (marker == APP0) {
            return startsWith(jpeg, from, to, JFIF);
        }
        if (marker == APP2) {
            return startsWith(jpeg, from, to, ICC_PROFILE);
        }
        if (marker == APP1 || (marker > APP2 && marker < APP14) || marker == APP15 || marker == COM) {
            return false;
        }
        return true;
    }

    /** Where the entropy-coded data of a scan ends: at the first marker that is neither a stuffed 0xFF nor RSTn. */
    private static int endOfScan(byte[] jpeg, int from) {
        for (int i = from; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF) {
                int next = jpeg[i + 1] & 0xFF;
                if (next != 0x00 && (next < RST0 || next > RST7)) {
                    return i;
                }
            }
        }
        throw malformed();
    }

    private static boolean startsWith(byte[] jpeg, int from, int to, byte[] prefix) {
        return to - from >= prefix.length && Arrays.equals(jpeg, from, from + prefix.length, prefix, 0, prefix.length);
    }

    private static RecordsException malformed() {
        return AttachmentContent.refused("The photo is not a complete JPEG image; it may have been cut short");
    }
}
