package ma.tabiblink.records.cases;

/**
 * One attachment of a case. While UPLOADING, {@code received} of {@code declaredBytes} have arrived and the upload
 * continues at that offset; once COMPLETE, {@code mediaType} is what its content was recognised as and
 * {@code bytes} its size after its metadata was removed.
 */
public record AttachmentInfo(String id, AttachmentKind kind, boolean complete, long declaredBytes, long received,
                             String mediaType, long bytes) {
}
