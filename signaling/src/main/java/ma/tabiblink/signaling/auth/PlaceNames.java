package ma.tabiblink.signaling.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One copy of each dispensary id and province name for all the identities on the node: every token brings its own
 * copy, yet thousands of nurses share a few hundred dispensaries and a dozen provinces. Bounded, so that names nobody
 * shares cannot make it grow without end; past the bound a name is kept as it came.
 */
final class PlaceNames {

    private static final int MAX_NAMES = 10_000;
    private static final Map<String, String> SHARED = new ConcurrentHashMap<>();

    private PlaceNames() {
    }

    /** The node's copy of {@code name} (null stays null). */
    static String shared(String name) {
        if (name == null) {
            return null;
        }
        String shared = SHARED.get(name);
        if (shared != null) {
            return shared;
        }
        if (SHARED.size() >= MAX_NAMES) {
            return name;
        }
        shared = SHARED.putIfAbsent(name, name);
        return shared == null ? name : shared;
    }
}
