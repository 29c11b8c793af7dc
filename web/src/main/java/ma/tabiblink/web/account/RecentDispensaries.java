package ma.tabiblink.web.account;

import java.time.InstantSource;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Dispensaries as read a short while ago: a rung specialist is shown the patient's dispensary by name, and a burst of
 * urgent calls from the same few dispensaries should not read the same names from Redis again and again. A rename
 * shows within {@code keep}; a dispensary not found is not remembered, so a new one shows at once.
 */
public final class RecentDispensaries implements Function<String, Optional<Dispensary>> {

    /** More dispensaries than a health region has: past it the names are read afresh. */
    static final int MAX_KEPT = 10_000;

    private record Read(Dispensary dispensary, Instant at) {
    }

    private final Function<String, Optional<Dispensary>> source;
    private final InstantSource clock;
    private final Duration keep;
    private final Map<String, Read> reads = new ConcurrentHashMap<>();

    public RecentDispensaries(Function<String, Optional<Dispensary>> source, InstantSource clock, Duration keep) {
        this.source = source;
        this.clock = clock;
        this.keep = keep;
    }

    @Override
    public Optional<Dispensary> apply(String id) {
        if (id == null || id.isEmpty()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Read read = reads.get(id);
        if (read != null && now.isBefore(read.at().plus(keep))) {
            return Optional.of(read.dispensary());
        }
        Optional<Dispensary> found = source.apply(id);
        if (found.isPresent()) {
            if (reads.size() >= MAX_KEPT) {
                reads.clear();
            }
            reads.put(id, new Read(found.get(), now));
        } else {
            reads.remove(id);
        }
        return found;
    }
}
