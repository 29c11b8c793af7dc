package ma.tabiblink.ops.load;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * One direction of one call in a fault run: which numbered relay messages the sender generated and wrote
 * (and when), and which the receiver got, how often and in what order. Thread-safe.
 */
final class RelayLedger {

    private final List<Long> writtenAtNanos = new ArrayList<>();
    private final BitSet written = new BitSet();
    private final BitSet received = new BitSet();
    private int generated;
    private int duplicates;
    private int outOfOrder;
    private int highestReceived;

    /** The next number to send, starting at 1. */
    synchronized int generate() {
        writtenAtNanos.add(0L);
        return ++generated;
    }

    synchronized void written(int seq, long nanos) {
        writtenAtNanos.set(seq - 1, nanos);
        written.set(seq);
    }

    synchronized void received(int seq) {
        if (seq < 1 || seq > generated) {
            outOfOrder++;
            return;
        }
        if (received.get(seq)) {
            duplicates++;
            return;
        }
        received.set(seq);
        if (seq < highestReceived) {
            outOfOrder++;
        }
        highestReceived = Math.max(highestReceived, seq);
    }

    synchronized int generated() {
        return generated;
    }

    /** Every written message has arrived (nothing is still on its way). */
    synchronized boolean drained() {
        BitSet missing = (BitSet) written.clone();
        missing.andNot(received);
        return missing.isEmpty();
    }

    /** How many messages generated after {@code fromSeq} (exclusive) arrived. */
    synchronized int receivedAfter(int fromSeq) {
        return received.get(fromSeq + 1, Math.max(fromSeq + 1, generated + 1)).cardinality();
    }

    /**
     * The outcome; a written message that never arrived counts as in flight at the crash when it was written inside
     * {@code [fromNanos, toNanos]}, and as lost otherwise.
     */
    synchronized Tally tally(long fromNanos, long toNanos) {
        return tally(at -> at >= fromNanos && at <= toNanos);
    }

    /** The outcome; a written message that never arrived counts as in flight when {@code duringFault} holds for when it was written. */
    synchronized Tally tally(LongPredicate duringFault) {
        int lost = 0;
        int inFlight = 0;
        for (int seq = written.nextSetBit(1); seq >= 0; seq = written.nextSetBit(seq + 1)) {
            if (received.get(seq)) {
                continue;
            }
            long at = writtenAtNanos.get(seq - 1);
            if (duringFault.test(at)) {
                inFlight++;
            } else {
                lost++;
            }
        }
        int neverWritten = generated - written.cardinality();
        return new Tally(generated, received.cardinality(), lost, inFlight, neverWritten, duplicates, outOfOrder);
    }

    /** One direction's counts; {@code neverWritten} were still waiting for a connection at the end. */
    record Tally(int generated, int received, int lost, int inFlight, int neverWritten, int duplicates, int outOfOrder) {

        Tally plus(Tally o) {
            return new Tally(generated + o.generated, received + o.received, lost + o.lost, inFlight + o.inFlight,
                    neverWritten + o.neverWritten, duplicates + o.duplicates, outOfOrder + o.outOfOrder);
        }

        static final Tally ZERO = new Tally(0, 0, 0, 0, 0, 0, 0);
    }
}
