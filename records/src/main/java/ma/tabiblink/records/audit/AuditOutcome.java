package ma.tabiblink.records.audit;

/** How the audited attempt ended; denied attempts are logged too. */
public enum AuditOutcome {
    SUCCESS, DENIED, FAILED
}
