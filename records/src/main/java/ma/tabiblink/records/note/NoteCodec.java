package ma.tabiblink.records.note;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import ma.tabiblink.records.RecordsException;

/**
 * The plaintext of a note version: a format byte, then for each of the eight sections and the language a 4-byte
 * length (-1 for absent) and the UTF-8 text. This is what is encrypted and what the signature's SHA-256 covers.
 * A general JSON encoder cost several times the AES-GCM encryption of the same note, hence this fixed layout.
 */
final class NoteCodec {

    private static final byte FORMAT = 1;
    private static final int FIELDS = 9;

    private NoteCodec() {
    }

    static byte[] encode(NoteContent c) {
        String[] fields = {c.reason(), c.history(), c.findings(), c.assessment(), c.plan(), c.prescription(),
                c.followUp(), c.freeText(), c.language()};
        byte[][] bytes = new byte[FIELDS][];
        int total = 1;
        for (int i = 0; i < FIELDS; i++) {
            bytes[i] = fields[i] == null ? null : fields[i].getBytes(StandardCharsets.UTF_8);
            total += 4 + (bytes[i] == null ? 0 : bytes[i].length);
        }
        ByteBuffer out = ByteBuffer.allocate(total).put(FORMAT);
        for (byte[] b : bytes) {
            if (b == null) {
                out.putInt(-1);
            } else {
                out.putInt(b.length).put(b);
            }
        }
        return out.array();
    }

    static NoteContent decode(byte[] data) {
        try {
            ByteBuffer in = ByteBuffer.wrap(data);
            if (in.get() != FORMAT) {
                throw RecordsException.integrity("The note content has an unknown format");
            }
            String[] f = new String[FIELDS];
            var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            for (int i = 0; i < FIELDS; i++) {
                int len = in.getInt();
                if (len < -1 || len > in.remaining()) {
                    throw RecordsException.integrity("The note content is damaged");
                }
                if (len >= 0) {
                    ByteBuffer slice = in.slice().limit(len);
                    f[i] = decoder.decode(slice).toString();
                    in.position(in.position() + len);
                }
            }
            if (in.hasRemaining()) {
                throw RecordsException.integrity("The note content is damaged");
            }
            return new NoteContent(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8]);
        } catch (BufferUnderflowException | CharacterCodingException e) {
            throw RecordsException.integrity("The note content is damaged");
        }
    }
}
