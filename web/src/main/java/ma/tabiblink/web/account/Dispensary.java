package ma.tabiblink.web.account;

/** A rural health centre or dispensary, in a province. */
public record Dispensary(String id, String name, String province) {
}
