package ma.tabiblink.ops.load;

/** What a run prints, and whether its checks passed (a measuring run has none to fail). */
record RunOutcome(String report, boolean passed) {

    static RunOutcome measured(String report) {
        return new RunOutcome(report, true);
    }
}
