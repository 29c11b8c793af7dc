package ma.tabiblink.records.note;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import ma.tabiblink.records.RecordsError;
import ma.tabiblink.records.RecordsException;
import org.junit.jupiter.api.Test;

class NoteCodecTest {

    @Test
    void aNoteSurvivesEncodingWithArabicTextAndAbsentSections() {
        NoteContent c = new NoteContent("ألم في الصدر", null, "", "Angor stable ⵜⴰⵎⴰⵣⵉⵖⵜ", null, "Aspirine 100 mg",
                null, "texte libre", "ar");
        assertThat(NoteCodec.decode(NoteCodec.encode(c))).isEqualTo(c);
    }

    @Test
    void damagedPlaintextIsAnIntegrityErrorNeverGarbledText() {
        byte[] encoded = NoteCodec.encode(new NoteContent("a", "b", null, null, null, null, null, null, "fr"));
        for (byte[] damaged : new byte[][] {Arrays.copyOf(encoded, encoded.length - 1),
                Arrays.copyOf(encoded, encoded.length + 1), {9, 0, 0, 0, 1}, {1, 127, 0, 0, 0}}) {
            assertThatThrownBy(() -> NoteCodec.decode(damaged)).isInstanceOfSatisfying(RecordsException.class,
                    e -> assertThat(e.code()).isEqualTo(RecordsError.INTEGRITY_FAILURE));
        }
    }
}
