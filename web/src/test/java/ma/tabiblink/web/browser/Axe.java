package ma.tabiblink.web.browser;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * axe-core (Deque's accessibility engine, the one Lighthouse uses) run inside the page under test: every WCAG 2.x
 * A/AA rule and axe's best practices, on the whole document as it is now. Returns one line per violation and element.
 */
final class Axe {

    private static final String SOURCE = load();
    private static final String RUN = """
            const done = arguments[arguments.length - 1];
            axe.run(document, { resultTypes: ['violations'] })
              .then((r) => done(r.violations.flatMap((v) => v.nodes.map((n) =>
                v.id + ' (' + v.impact + '): ' + n.target.join(' ') + ' | ' + (n.failureSummary || '').replace(/\\s+/g, ' ')))))
              .catch((e) => done(['axe failed: ' + e]));
            """;

    private Axe() {
    }

    /** The violations on the page the browser shows now; empty when there are none. */
    static List<String> violations(BrowserSession browser) {
        if (!Boolean.TRUE.equals(browser.script("return typeof window.axe === 'object'"))) {
            browser.script(SOURCE);
        }
        Object found = browser.driver().executeAsyncScript(RUN);
        @SuppressWarnings("unchecked")
        List<String> lines = (List<String>) found;
        return List.copyOf(lines);
    }

    private static String load() {
        try (InputStream in = Axe.class.getResourceAsStream("/axe.min.js")) {
            if (in == null) {
                throw new IllegalStateException("axe.min.js is not on the test classpath (com.deque.html.axe-core:selenium)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
