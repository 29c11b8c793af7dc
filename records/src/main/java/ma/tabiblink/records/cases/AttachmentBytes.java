package ma.tabiblink.records.cases;

/** A complete attachment, decrypted for someone allowed to see it. */
public record AttachmentBytes(String id, AttachmentKind kind, String mediaType, byte[] content) {
}
