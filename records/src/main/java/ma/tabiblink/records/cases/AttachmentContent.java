package ma.tabiblink.records.cases;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import ma.tabiblink.records.RecordsError;
import ma.tabiblink.records.RecordsException;

/**
 * The content checks of a case's attachments. The type is recognised from the first bytes, never from a file name;
 * photos come back without their metadata (EXIF and XMP may carry the GPS position of the dispensary, the tablet's
 * serial number, the time, a thumbnail of the uncropped picture) and must still decode afterwards.
 */
public final class AttachmentContent {

    /** Enough to tell every accepted type apart, and what the first chunk of an upload always holds. */
    private static final int HEAD_BYTES = 12;
    /** Beyond these a photo is a decompression bomb, not a picture a tablet took (a 1 MB file cannot hold more). */
    private static final int MAX_SIDE = 20_000;
    private static final long MAX_PIXELS = 100_000_000;
    /** The decoding proof reads every pixel but keeps at most this many, so its memory stays small. */
    private static final long MAX_PIXELS_KEPT = 4_000_000;

    private AttachmentContent() {
    }

    private enum Format {
        JPEG(AttachmentKind.PHOTO, "image/jpeg", 0xFF, 0xD8, 0xFF),
        PNG(AttachmentKind.PHOTO, "image/png", 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A),
        WEBM(AttachmentKind.VOICE_NOTE, "audio/webm", 0x1A, 0x45, 0xDF, 0xA3),
        OGG(AttachmentKind.VOICE_NOTE, "audio/ogg", 'O', 'g', 'g', 'S');

        private final AttachmentKind kind;
        private final String mediaType;
        private final byte[] magic;

        Format(AttachmentKind kind, String mediaType, int... magic) {
            this.kind = kind;
            this.mediaType = mediaType;
            this.magic = new byte[magic.length];
            for (int i = 0; i < magic.length; i++) {
                this.magic[i] = (byte) magic[i];
            }
        }

        static Optional<Format> of(AttachmentKind kind, byte[] head) {
            if (head.length < HEAD_BYTES) {
                return Optional.empty();
            }
            return Arrays.stream(values())
                    .filter(f -> f.kind == kind && Arrays.equals(head, 0, f.magic.length, f.magic, 0, f.magic.length))
                    .findFirst();
        }
    }

    /**
     * The media type the first bytes announce, if they are of a type accepted for this kind (used to refuse a wrong
     * file at its first chunk). Empty when not recognised or too short to tell (fewer than 12 bytes).
     */
    public static Optional<String> recognise(AttachmentKind kind, byte[] head) {
        Objects.requireNonNull(kind);
        return Format.of(kind, Objects.requireNonNull(head)).map(f -> f.mediaType);
    }

    /**
     * Checks a whole attachment and strips its metadata: refused with {@link RecordsError#ATTACHMENT_TYPE_REFUSED}
     * when it is not of a type accepted for the kind or its structure does not parse (damaged, cut short), with
     * {@link RecordsError#ATTACHMENT_TOO_LARGE} when over {@link AttachmentKind#maxBytes()}. The content always comes
     * back in a new array (a voice note, which needs no stripping, as a copy), so the caller may wipe the one it gave.
     */
    public static CheckedContent check(AttachmentKind kind, byte[] whole) {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(whole);
        if (whole.length > kind.maxBytes()) {
            throw new RecordsException(RecordsError.ATTACHMENT_TOO_LARGE,
                    "The " + noun(kind) + " is larger than " + kind.maxBytes() / 1_048_576 + " MB");
        }
        Format format = Format.of(kind, whole).orElseThrow(() -> new RecordsException(
                RecordsError.ATTACHMENT_TYPE_REFUSED, "This file is not " + accepted(kind)));
        byte[] bytes = switch (format) {
            case JPEG -> decodable(format, JpegSegments.withoutMetadata(whole));
            case PNG -> decodable(format, PngChunks.withoutMetadata(whole));
            case WEBM -> {
                WebmHeader.check(whole);
                yield whole.clone();
            }
            case OGG -> {
                OggPage.checkFirst(whole);
                yield whole.clone();
            }
        };
        return new CheckedContent(format.mediaType, bytes);
    }

    static RecordsException refused(String why) {
        return new RecordsException(RecordsError.ATTACHMENT_TYPE_REFUSED, why);
    }

    private static byte[] decodable(Format format, byte[] image) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByMIMEType(format.mediaType);
        if (!readers.hasNext()) {
            throw new IllegalStateException("This Java runtime has no ImageIO reader for " + format.mediaType);
        }
        ImageReader reader = readers.next();
        // An in-memory stream: ImageIO.read would otherwise spool the upload to a temporary file.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(image))) {
            reader.setInput(in, true, true);
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            long pixels = (long) width * height;
            if (width > MAX_SIDE || height > MAX_SIDE || pixels > MAX_PIXELS) {
                throw new RecordsException(RecordsError.ATTACHMENT_TOO_LARGE,
                        "The photo is too large: at most " + MAX_SIDE + " pixels a side and "
                                + MAX_PIXELS / 1_000_000 + " million pixels");
            }
            ImageReadParam param = reader.getDefaultReadParam();
            int step = (int) Math.ceil(Math.sqrt((double) pixels / MAX_PIXELS_KEPT));
            if (step > 1) {
                param.setSourceSubsampling(step, step, 0, 0);
            }
            reader.read(0, param);
            return image;
        } catch (RecordsException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // ImageIO's decoders answer damaged data with unchecked exceptions as well as IIOException.
            throw refused("The photo cannot be decoded; it may be damaged");
        } finally {
            reader.dispose();
        }
    }

    private static String noun(AttachmentKind kind) {
        return switch (kind) {
            case PHOTO -> "photo";
            case VOICE_NOTE -> "voice note";
        };
    }

    private static String accepted(AttachmentKind kind) {
        return switch (kind) {
            case PHOTO -> "a JPEG or PNG photo";
            case VOICE_NOTE -> "a WebM or Ogg voice recording";
        };
    }
}
