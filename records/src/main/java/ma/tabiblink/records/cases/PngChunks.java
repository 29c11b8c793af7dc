package ma.tabiblink.records.cases;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.zip.CRC32;
import ma.tabiblink.records.RecordsException;

/**
 * A PNG walked chunk by chunk, each CRC checked, from IHDR to IEND, dropping the chunks that describe the picture
 * rather than draw it: text (tEXt, zTXt, iTXt, which is where XMP goes), EXIF (eXIf) and the time (tIME). Colour and
 * layout chunks (gAMA, cHRM, sRGB, iCCP, pHYs, tRNS, bKGD...) stay. Anything after IEND is dropped.
 */
final class PngChunks {

    private static final int SIGNATURE_BYTES = 8;
    private static final int HEADER_BYTES = 8;
    private static final int CRC_BYTES = 4;
    private static final Set<String> DROPPED = Set.of("tEXt", "zTXt", "iTXt", "eXIf", "tIME");

    private PngChunks() {
    }

    static byte[] withoutMetadata(byte[] png) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(png.length);
        out.write(png, 0, SIGNATURE_BYTES);
        int pos = SIGNATURE_BYTES;
        boolean first = true;
        while (true) {
            if (png.length - pos < HEADER_BYTES + CRC_BYTES) {
                throw malformed();
            }
            long length = Integer.toUnsignedLong(intAt(png, pos));
            if (length > png.length - pos - HEADER_BYTES - CRC_BYTES) {
                throw malformed();
            }
            int end = pos + HEADER_BYTES + (int) length + CRC_BYTES;
            String type = typeAt(png, pos + 4);
            CRC32 crc = new CRC32();
            crc.update(png, pos + 4, 4 + (int) length);
            if ((int) crc.getValue() != intAt(png, end - CRC_BYTES)) {
                throw malformed();
            }
            if (first != type.equals("IHDR")) {
                throw malformed();
            }
            first = false;
            if (!DROPPED.contains(type)) {
                out.write(png, pos, end - pos);
            }
            if (type.equals("IEND")) {
                return out.toByteArray();
            }
            pos = end;
        }
    }

    private static String typeAt(byte[] png, int pos) {
        for (int i = pos; i < pos + 4; i++) {
            char c = (char) (png[i] & 0xFF);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z')) {
                throw malformed();
            }
        }
        return new String(png, pos, 4, StandardCharsets.US_ASCII);
    }

    private static int intAt(byte[] png, int pos) {
        return (png[pos] & 0xFF) << 24 | (png[pos + 1] & 0xFF) << 16 | (png[pos + 2] & 0xFF) << 8 | png[pos + 3] & 0xFF;
    }

    private static RecordsException malformed() {
        return AttachmentContent.refused("The photo is not a complete PNG image; it may be damaged or cut short");
    }
}
