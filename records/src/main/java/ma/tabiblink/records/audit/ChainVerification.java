package ma.tabiblink.records.audit;

/**
 * Result of walking the audit chain.
 *
 * @param intact          true when every entry's MAC, sequence number and link to its predecessor check out
 * @param entriesChecked  entries read
 * @param firstBrokenSeq  sequence number at which the chain breaks (0 when intact)
 * @param problem         what is wrong, or {@code "ok"}
 */
public record ChainVerification(boolean intact, long entriesChecked, long firstBrokenSeq, String problem) {
}
