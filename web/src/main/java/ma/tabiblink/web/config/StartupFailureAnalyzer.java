package ma.tabiblink.web.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Prints a refused start as the operator's message and what to do, instead of a stack trace. */
class StartupFailureAnalyzer extends AbstractFailureAnalyzer<StartupException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, StartupException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Set the missing configuration (see the configuration table in README.md), or try Tabib Link on this machine in "
                        + "demo mode: `bash ops/run.sh` (it sets TABIB_DEMO=true).",
                cause);
    }
}
