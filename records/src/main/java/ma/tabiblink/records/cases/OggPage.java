package ma.tabiblink.records.cases;

import ma.tabiblink.records.RecordsException;

/**
 * The first page of an Ogg stream: version 0, the beginning-of-stream flag and no continuation, sequence number 0,
 * and a segment table and body that fit in the file. Browser recordings carry no personal metadata, so nothing is
 * removed.
 */
final class OggPage {

    private static final int HEADER_BYTES = 27;
    private static final int VERSION = 4;
    private static final int FLAGS = 5;
    private static final int SEQUENCE = 18;
    private static final int SEGMENTS = 26;
    private static final int CONTINUED = 0x01;
    private static final int BEGINNING_OF_STREAM = 0x02;
    private static final int KNOWN_FLAGS = 0x07;

    private OggPage() {
    }

    static void checkFirst(byte[] ogg) {
        if (ogg.length < HEADER_BYTES || ogg[VERSION] != 0) {
            throw malformed();
        }
        int flags = ogg[FLAGS] & 0xFF;
        if ((flags & ~KNOWN_FLAGS) != 0 || (flags & CONTINUED) != 0 || (flags & BEGINNING_OF_STREAM) == 0) {
            throw malformed();
        }
        for (int i = SEQUENCE; i < SEQUENCE + 4; i++) {
            if (ogg[i] != 0) {
                throw malformed();
            }
        }
        int segments = ogg[SEGMENTS] & 0xFF;
        if (segments == 0 || ogg.length < HEADER_BYTES + segments) {
            throw malformed();
        }
        int body = 0;
        for (int i = HEADER_BYTES; i < HEADER_BYTES + segments; i++) {
            body += ogg[i] & 0xFF;
        }
        if (ogg.length < HEADER_BYTES + segments + body) {
            throw malformed();
        }
    }

    private static RecordsException malformed() {
        return AttachmentContent.refused("The voice note is not a complete Ogg recording; it may be damaged");
    }
}
