package ma.tabiblink.records.cases;

/** What an attachment is for. */
public enum AttachmentKind {
    /** A skin lesion, an ECG strip, a photographed document; the tablet downscales to about 200 KB. */
    PHOTO(1_048_576),
    /** A short spoken note: Opus in WebM or Ogg, as the browser's MediaRecorder produces it. */
    VOICE_NOTE(2_097_152);

    private final int maxBytes;

    AttachmentKind(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    public int maxBytes() {
        return maxBytes;
    }
}
