package ma.tabiblink.ops.load;

import java.io.PrintStream;

/**
 * Load generator for the signalling server (and for the Node.js baseline relay). Prints a report; exit status 0
 * when the run completed, 1 when a fault scenario's checks failed, 2 on a bad command line or an unusable setup.
 */
public final class LoadGenerator {

    private LoadGenerator() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        LoadOptions options;
        try {
            options = LoadOptions.parse(args);
        } catch (LoadException e) {
            err.println("error " + e.code() + ": " + e.getMessage());
            err.print(LoadOptions.USAGE);
            return 2;
        }
        try {
            RunOutcome outcome = switch (options.scenario()) {
                case RELAY -> RunOutcome.measured(new RelayRun(options).run());
                case IDLE -> RunOutcome.measured(new IdleRun(options).run());
                case CALLS -> RunOutcome.measured(new CallRateRun(options).run());
                case NODE_KILL -> new NodeKillRun(options).run();
                case BURST -> RunOutcome.measured(new BurstRun(options).run());
            };
            out.print(outcome.report());
            out.flush();
            return outcome.passed() ? 0 : 1;
        } catch (LoadException e) {
            err.println("error " + e.code() + ": " + e.getMessage());
            return 2;
        }
    }
}
