package ma.tabiblink.web.board;

/**
 * One section of the coordinators' live board (who is online, queues, calls, bookings). Each feature that has
 * something to show contributes its own section, and calls {@link LiveBoard#changed()} when it changes.
 */
public interface BoardContributor {

    /** The section's name in the snapshot, e.g. {@code "queues"}. */
    String section();

    /** The section's current content, serialisable to JSON. */
    Object snapshot();
}
