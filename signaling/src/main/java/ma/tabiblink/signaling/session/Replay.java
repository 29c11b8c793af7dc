package ma.tabiblink.signaling.session;

import java.util.ArrayList;
import java.util.List;

/**
 * What a resumed session sends again, and where its numbering goes on.
 *
 * @param lastSeq  the sequence number of the last message the session has sent: the next one gets {@code lastSeq + 1}
 * @param messages the stored messages the client has not seen, oldest first, with the numbers they are sent under
 * @param gap      messages between the client's last and the oldest stored one were lost
 */
record Replay(long lastSeq, List<Session.Sent> messages, boolean gap) {

    /**
     * @param storedSeq     the session's counter as parked in Redis
     * @param reaped        the session was parked by another node after its own died: its counter is lost, so the
     *                      stored messages are all sent again, numbered after anything either side has seen
     * @param stored        the stored messages, "seq json", oldest first
     * @param clientLastSeq the last sequence number the client says it received
     */
    static Replay of(long storedSeq, boolean reaped, List<String> stored, long clientLastSeq) {
        List<Session.Sent> kept = new ArrayList<>(stored.size());
        for (String s : stored) {
            kept.add(Session.Sent.parse(s));
        }
        long counter = storedSeq;
        if (reaped) {
            long base = Math.max(storedSeq, clientLastSeq);
            List<Session.Sent> renumbered = new ArrayList<>(kept.size());
            for (Session.Sent m : kept) {
                renumbered.add(new Session.Sent(++base, m.json()));
            }
            kept = renumbered;
            counter = base;
        }
        for (Session.Sent m : kept) {
            counter = Math.max(counter, m.seq());
        }
        counter = Math.max(counter, clientLastSeq);
        boolean gap = !reaped && !kept.isEmpty() && kept.get(0).seq() > clientLastSeq + 1;
        List<Session.Sent> unseen = reaped ? kept : kept.stream().filter(m -> m.seq() > clientLastSeq).toList();
        return new Replay(counter, List.copyOf(unseen), gap);
    }
}
