package ma.tabiblink.records.cases;

/** An attachment's bytes as checked: its media type, recognised from the content, and the bytes with metadata removed. */
public record CheckedContent(String mediaType, byte[] bytes) {
}
