package ma.tabiblink.records.cases;

/** How soon the nurse needs the specialist's answer; the inbox lists the most urgent first, then the oldest. */
public enum CaseUrgency {
    URGENT, PRIORITY, ROUTINE
}
