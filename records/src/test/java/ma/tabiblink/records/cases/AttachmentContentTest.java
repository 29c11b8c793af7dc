package ma.tabiblink.records.cases;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import ma.tabiblink.records.RecordsError;
import ma.tabiblink.records.RecordsException;
import org.junit.jupiter.api.Test;

class AttachmentContentTest {

    private static final String GPS = "GPSLatitude=33.5731N GPSLongitude=7.5898W";
    private static final String SERIAL = "BodySerialNumber=R58M41ABCDE";
    private static final String COMMENT = "Fatima B., douar Ait Ourir, lesion on left forearm";

    @Test
    void aJpegComesBackWithoutItsExifAndCommentButWithItsJfifAndColourProfile() throws IOException {
        BufferedImage picture = picture(64, 48);
        byte[] icc = iccSegment();
        byte[] original = afterSoi(jpeg(picture), segment(0xE1, exif()), segment(0xFE, ascii(COMMENT)), icc);

        CheckedContent checked = AttachmentContent.check(AttachmentKind.PHOTO, original);

        assertThat(checked.mediaType()).isEqualTo("image/jpeg");
        assertThat(checked.bytes()).isNotSameAs(original).hasSizeLessThan(original.length);
        assertThat(latin1(checked.bytes())).doesNotContain(GPS, SERIAL, COMMENT, "Exif\0\0")
                .contains(latin1(icc), "JFIF\0");
        assertThat(markersBeforeScan(checked.bytes())).contains(0xE0, 0xE2).doesNotContain(0xE1, 0xFE);
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(checked.bytes()));
        assertThat(decoded.getWidth()).isEqualTo(64);
        assertThat(decoded.getHeight()).isEqualTo(48);
    }

    @Test
    void aCommentBetweenTheScansOfAProgressiveJpegIsRemovedToo() throws IOException {
        byte[] progressive = progressiveJpeg(picture(64, 48));
        int secondScan = indexOf(progressive, new byte[] {(byte) 0xFF, (byte) 0xDA},
                indexOf(progressive, new byte[] {(byte) 0xFF, (byte) 0xDA}, 0) + 2);
        assertThat(secondScan).isPositive();
        byte[] original = concat(Arrays.copyOf(progressive, secondScan), segment(0xFE, ascii(COMMENT)),
                Arrays.copyOfRange(progressive, secondScan, progressive.length));

        byte[] checked = AttachmentContent.check(AttachmentKind.PHOTO, original).bytes();

        assertThat(latin1(checked)).doesNotContain(COMMENT);
        assertThat(checked).isEqualTo(progressive);
    }

    @Test
    void whatAPhoneAppendsAfterTheEndOfTheImageIsDropped() throws IOException {
        byte[] jpeg = jpeg(picture(32, 32));
        byte[] png = png(picture(32, 32));
        byte[] trailer = ascii("MotionPhoto_Data " + GPS);

        assertThat(AttachmentContent.check(AttachmentKind.PHOTO, concat(jpeg, trailer)).bytes()).isEqualTo(jpeg);
        assertThat(AttachmentContent.check(AttachmentKind.PHOTO, concat(png, trailer)).bytes()).isEqualTo(png);
    }

    @Test
    void aCmykJpegOfAScannedDocumentKeepsItsAdobeSegmentAndIsAccepted() throws IOException {
        byte[] adobe = segment(0xEE, concat(ascii("Adobe"), new byte[] {0, 100, 0, 0, 0, 0, 0})); // transform 0: CMYK
        byte[] cmyk = afterSoi(cmykJpeg(40, 30), adobe);

        CheckedContent checked = AttachmentContent.check(AttachmentKind.PHOTO, afterSoi(cmyk, segment(0xE1, exif())));

        assertThat(checked.bytes()).isEqualTo(cmyk);
    }

    @Test
    void aPngComesBackWithoutTextExifAndTimeChunksAndWithTheSamePixels() throws IOException {
        BufferedImage picture = picture(50, 40);
        byte[] original = afterIhdr(png(picture),
                chunk("tEXt", ascii("Comment\0" + COMMENT)),
                chunk("iTXt", ascii("XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta>" + GPS + "</x:xmpmeta>")),
                chunk("eXIf", ascii("MM\0*\0\0\0\b" + GPS + SERIAL)),
                chunk("tIME", new byte[] {0x07, (byte) 0xE9, 3, 14, 9, 26, 53}),
                chunk("pHYs", new byte[] {0, 0, 0x0B, 0x13, 0, 0, 0x0B, 0x13, 1}));

        CheckedContent checked = AttachmentContent.check(AttachmentKind.PHOTO, original);

        assertThat(checked.mediaType()).isEqualTo("image/png");
        assertThat(checked.bytes()).isNotSameAs(original);
        assertThat(chunkTypesWithValidCrc(checked.bytes())).containsExactly("IHDR", "pHYs", "IDAT", "IEND");
        assertThat(latin1(checked.bytes())).doesNotContain(GPS, SERIAL, COMMENT);
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(checked.bytes()));
        assertThat(pixels(decoded)).isEqualTo(pixels(picture));
    }

    @Test
    void filesThatAreNotAnAcceptedPhotoAreRefusedWhateverTheyClaimToBe() throws IOException {
        byte[] text = ascii("Tension 14/9, douleur thoracique depuis deux jours, patient diabetique");
        List<byte[]> notPhotos = List.of(
                ascii("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF"),
                gif(picture(16, 16)),
                ascii("RIFF\u0024\0\0\0WEBPVP8 \u0018\0\0\0"),
                concat(new byte[] {0, 0, 0, 0x18}, ascii("ftypheic\0\0\0\0mif1heic")),
                ascii("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"),
                concat(ascii("MZ"), new byte[64]),
                concat(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1}, new byte[64]),
                text,
                webm());
        for (byte[] content : notPhotos) {
            assertThatThrownBy(() -> AttachmentContent.check(AttachmentKind.PHOTO, content))
                    .isInstanceOfSatisfying(RecordsException.class, e -> {
                        assertThat(e.code()).isEqualTo(RecordsError.ATTACHMENT_TYPE_REFUSED);
                        assertThat(e.getMessage()).doesNotContain("Tension", "PDF", "svg");
                    });
        }
    }

    @Test
    void aPhotoIsRefusedAsAVoiceNote() throws IOException {
        assertRefused(AttachmentKind.VOICE_NOTE, jpeg(picture(16, 16)), RecordsError.ATTACHMENT_TYPE_REFUSED);
        assertRefused(AttachmentKind.VOICE_NOTE, png(picture(16, 16)), RecordsError.ATTACHMENT_TYPE_REFUSED);
    }

    @Test
    void aJpegCutHalfwayOrWithASegmentRunningPastTheEndIsRefused() throws IOException {
        byte[] jpeg = jpeg(picture(64, 48));
        byte[] cut = Arrays.copyOf(jpeg, jpeg.length / 2);
        byte[] withoutEnd = Arrays.copyOf(jpeg, jpeg.length - 2);
        byte[] lengthPastEnd = jpeg.clone();
        lengthPastEnd[4] = (byte) 0xFF; // the APP0 segment's length, just after SOI and its marker
        lengthPastEnd[5] = (byte) 0xFF;
        byte[] noScan = concat(Arrays.copyOf(jpeg, 20), new byte[] {(byte) 0xFF, (byte) 0xD9});

        for (byte[] damaged : List.of(cut, withoutEnd, lengthPastEnd, noScan)) {
            assertRefused(AttachmentKind.PHOTO, damaged, RecordsError.ATTACHMENT_TYPE_REFUSED);
        }
    }

    @Test
    void aPngWithAFlippedByteOrCutShortIsRefused() throws IOException {
        byte[] png = png(picture(32, 32));
        byte[] flipped = png.clone();
        flipped[indexOf(png, ascii("IDAT"), 0) + 10] ^= 0x01;
        byte[] cut = Arrays.copyOf(png, png.length - 12);
        byte[] ihdrNotFirst = afterSignature(png, chunk("tEXt", ascii("Comment\0x")));

        for (byte[] damaged : List.of(flipped, cut, ihdrNotFirst)) {
            assertRefused(AttachmentKind.PHOTO, damaged, RecordsError.ATTACHMENT_TYPE_REFUSED);
        }
    }

    @Test
    void anAttachmentOverItsKindsLimitIsTooLarge() throws IOException {
        byte[] noise = png(noise(640, 640));
        assertThat(noise.length).isGreaterThan(AttachmentKind.PHOTO.maxBytes());
        assertRefused(AttachmentKind.PHOTO, noise, RecordsError.ATTACHMENT_TOO_LARGE);

        byte[] bigVoice = Arrays.copyOf(webm(), AttachmentKind.VOICE_NOTE.maxBytes() + 1);
        assertRefused(AttachmentKind.VOICE_NOTE, bigVoice, RecordsError.ATTACHMENT_TOO_LARGE);
    }

    @Test
    void aSmallPngDeclaringAHugePictureIsTooLargeWithoutBeingDecoded() {
        assertRefused(AttachmentKind.PHOTO, blackAndWhitePng(20_001, 1), RecordsError.ATTACHMENT_TOO_LARGE);
        byte[] bomb = blackAndWhitePng(10_001, 10_000);
        assertThat(bomb.length).isLessThan(AttachmentKind.PHOTO.maxBytes());
        assertRefused(AttachmentKind.PHOTO, bomb, RecordsError.ATTACHMENT_TOO_LARGE);
    }

    @Test
    void recognisingTheFirstChunkNeedsTwelveBytesOfAnAcceptedTypeForTheKind() throws IOException {
        byte[] jpeg = jpeg(picture(16, 16));
        byte[] png = png(picture(16, 16));

        assertThat(AttachmentContent.recognise(AttachmentKind.PHOTO, Arrays.copyOf(jpeg, 12))).contains("image/jpeg");
        assertThat(AttachmentContent.recognise(AttachmentKind.PHOTO, png)).contains("image/png");
        assertThat(AttachmentContent.recognise(AttachmentKind.VOICE_NOTE, Arrays.copyOf(webm(), 12)))
                .contains("audio/webm");
        assertThat(AttachmentContent.recognise(AttachmentKind.VOICE_NOTE, ogg())).contains("audio/ogg");

        assertThat(AttachmentContent.recognise(AttachmentKind.PHOTO, Arrays.copyOf(png, 11))).isEmpty();
        assertThat(AttachmentContent.recognise(AttachmentKind.PHOTO, new byte[0])).isEmpty();
        assertThat(AttachmentContent.recognise(AttachmentKind.PHOTO, gif(picture(16, 16)))).isEmpty();
        assertThat(AttachmentContent.recognise(AttachmentKind.PHOTO, webm())).isEmpty();
        assertThat(AttachmentContent.recognise(AttachmentKind.VOICE_NOTE, jpeg)).isEmpty();
    }

    @Test
    void browserRecordingsInWebmOrOggAreAcceptedAsVoiceNotesAsTheyAre() {
        byte[] webm = webm();
        byte[] ogg = ogg();

        CheckedContent checkedWebm = AttachmentContent.check(AttachmentKind.VOICE_NOTE, webm);
        CheckedContent checkedOgg = AttachmentContent.check(AttachmentKind.VOICE_NOTE, ogg);

        assertThat(checkedWebm.mediaType()).isEqualTo("audio/webm");
        assertThat(checkedWebm.bytes()).isEqualTo(webm).as("a copy: the caller wipes what it gave").isNotSameAs(webm);
        assertThat(checkedOgg.mediaType()).isEqualTo("audio/ogg");
        assertThat(checkedOgg.bytes()).isEqualTo(ogg).isNotSameAs(ogg);
        assertThat(AttachmentContent.check(AttachmentKind.VOICE_NOTE, ebml("matroska")).mediaType())
                .isEqualTo("audio/webm");
    }

    @Test
    void randomBytesAndDamagedRecordingsAreRefused() {
        byte[] random = new byte[4096];
        new Random(42).nextBytes(random);
        byte[] otherDocType = ebml("evil");
        byte[] headerCut = Arrays.copyOf(webm(), 20);
        byte[] oggContinued = ogg();
        oggContinued[5] = 0x01;
        byte[] oggBodyCut = Arrays.copyOf(ogg(), 40);

        assertRefused(AttachmentKind.PHOTO, random, RecordsError.ATTACHMENT_TYPE_REFUSED);
        for (byte[] refused : List.of(random, otherDocType, headerCut, oggContinued, oggBodyCut)) {
            assertRefused(AttachmentKind.VOICE_NOTE, refused, RecordsError.ATTACHMENT_TYPE_REFUSED);
        }
    }

    private static void assertRefused(AttachmentKind kind, byte[] content, RecordsError code) {
        assertThatThrownBy(() -> AttachmentContent.check(kind, content))
                .isInstanceOfSatisfying(RecordsException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    // --- pictures

    private static BufferedImage picture(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, (x * 255 / width) << 16 | (y * 255 / height) << 8 | ((x + y) % 2) * 200);
            }
        }
        return image;
    }

    private static BufferedImage noise(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(7);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        return image;
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    private static byte[] encoded(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, format, out)).isTrue();
        return out.toByteArray();
    }

    private static byte[] jpeg(BufferedImage image) throws IOException {
        return encoded(image, "jpg");
    }

    private static byte[] png(BufferedImage image) throws IOException {
        return encoded(image, "png");
    }

    private static byte[] gif(BufferedImage image) throws IOException {
        return encoded(image, "gif");
    }

    private static byte[] progressiveJpeg(BufferedImage image) throws IOException {
        return writeJpeg(new IIOImage(image, null, null), true);
    }

    /** The four bands of a raster are written as they are: CMYK, as a scanner or a print workflow writes it. */
    private static byte[] cmykJpeg(int width, int height) throws IOException {
        WritableRaster raster = Raster.createBandedRaster(DataBuffer.TYPE_BYTE, width, height, 4, null);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                raster.setPixel(x, y, new int[] {x * 6, y * 8, 40, 10});
            }
        }
        return writeJpeg(new IIOImage(raster, null, null), false);
    }

    private static byte[] writeJpeg(IIOImage image, boolean progressive) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (progressive) {
                param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            }
            writer.write(null, image, param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    // --- JPEG segments

    private static byte[] segment(int marker, byte[] payload) {
        return ByteBuffer.allocate(4 + payload.length).put((byte) 0xFF).put((byte) marker)
                .putShort((short) (payload.length + 2)).put(payload).array();
    }

    private static byte[] exif() {
        return concat(ascii("Exif\0\0MM\0*\0\0\0\b"), ascii(GPS + "\0" + SERIAL + "\0"));
    }

    private static byte[] iccSegment() {
        byte[] profile = ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData();
        return segment(0xE2, concat(ascii("ICC_PROFILE\0"), new byte[] {1, 1}, profile));
    }

    private static byte[] afterSoi(byte[] jpeg, byte[]... segments) {
        return concat(Arrays.copyOf(jpeg, 2), concat(segments), Arrays.copyOfRange(jpeg, 2, jpeg.length));
    }

    private static List<Integer> markersBeforeScan(byte[] jpeg) {
        List<Integer> markers = new ArrayList<>();
        int pos = 2;
        while (true) {
            int marker = jpeg[pos + 1] & 0xFF;
            markers.add(marker);
            if (marker == 0xDA) {
                return markers;
            }
            pos += 2 + ((jpeg[pos + 2] & 0xFF) << 8 | jpeg[pos + 3] & 0xFF);
        }
    }

    // --- PNG chunks

    private static byte[] chunk(String type, byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(ascii(type));
        crc.update(data);
        return ByteBuffer.allocate(12 + data.length).putInt(data.length).put(ascii(type)).put(data)
                .putInt((int) crc.getValue()).array();
    }

    private static byte[] afterSignature(byte[] png, byte[]... chunks) {
        return concat(Arrays.copyOf(png, 8), concat(chunks), Arrays.copyOfRange(png, 8, png.length));
    }

    private static byte[] afterIhdr(byte[] png, byte[]... chunks) {
        int ihdrEnd = 8 + 12 + 13;
        return concat(Arrays.copyOf(png, ihdrEnd), concat(chunks), Arrays.copyOfRange(png, ihdrEnd, png.length));
    }

    private static List<String> chunkTypesWithValidCrc(byte[] png) {
        List<String> types = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(png, 8, png.length - 8);
        while (in.hasRemaining()) {
            int length = in.getInt();
            byte[] typeAndData = new byte[4 + length];
            in.get(typeAndData);
            CRC32 crc = new CRC32();
            crc.update(typeAndData);
            assertThat(in.getInt()).isEqualTo((int) crc.getValue());
            types.add(new String(typeAndData, 0, 4, US_ASCII));
        }
        return types;
    }

    /** A one-bit black picture: its IDAT deflates to almost nothing whatever size its IHDR declares. */
    private static byte[] blackAndWhitePng(int width, int height) {
        byte[] ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 1).put((byte) 0)
                .put((byte) 0).put((byte) 0).put((byte) 0).array();
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        byte[] row = new byte[1 + (width + 7) / 8];
        byte[] buffer = new byte[65_536];
        for (int y = 0; y < height; y++) {
            deflater.setInput(row);
            while (!deflater.needsInput()) {
                idat.write(buffer, 0, deflater.deflate(buffer));
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            idat.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return concat(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}, chunk("IHDR", ihdr),
                chunk("IDAT", idat.toByteArray()), chunk("IEND", new byte[0]));
    }

    // --- voice notes

    /** The EBML header of a MediaRecorder file, then the start of its Segment (of unknown size, as it streams). */
    private static byte[] webm() {
        return ebml("webm");
    }

    private static byte[] ebml(String docType) {
        byte[] body = concat(
                new byte[] {0x42, (byte) 0x86, (byte) 0x81, 1}, // EBMLVersion 1
                new byte[] {0x42, (byte) 0xF7, (byte) 0x81, 1}, // EBMLReadVersion 1
                new byte[] {0x42, (byte) 0xF2, (byte) 0x81, 4}, // EBMLMaxIDLength 4
                new byte[] {0x42, (byte) 0xF3, (byte) 0x81, 8}, // EBMLMaxSizeLength 8
                new byte[] {0x42, (byte) 0x82, (byte) (0x80 | docType.length())}, ascii(docType),
                new byte[] {0x42, (byte) 0x87, (byte) 0x81, 4}, // DocTypeVersion 4
                new byte[] {0x42, (byte) 0x85, (byte) 0x81, 2}); // DocTypeReadVersion 2
        return concat(new byte[] {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3, (byte) (0x80 | body.length)}, body,
                new byte[] {0x18, 0x53, (byte) 0x80, 0x67, 0x01, -1, -1, -1, -1, -1, -1, -1});
    }

    /** The first page of an Ogg Opus recording: beginning of stream, one segment holding the OpusHead packet. */
    private static byte[] ogg() {
        byte[] opusHead = ByteBuffer.allocate(19).order(ByteOrder.LITTLE_ENDIAN).put(ascii("OpusHead"))
                .put((byte) 1).put((byte) 1).putShort((short) 312).putInt(48_000).putShort((short) 0).put((byte) 0)
                .array();
        return concat(ascii("OggS"), new byte[] {0, 0x02}, new byte[8], new byte[] {0x3C, 0x5A, 0x11, 0x07},
                new byte[4], new byte[] {0x55, 0x1F, 0x6E, 0x2A}, new byte[] {1, (byte) opusHead.length}, opusHead);
    }

    // --- bytes

    private static byte[] ascii(String s) {
        return s.getBytes(ISO_8859_1);
    }

    private static String latin1(byte[] bytes) {
        return new String(bytes, ISO_8859_1);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        return latin1(haystack).indexOf(latin1(needle), from);
    }
}
