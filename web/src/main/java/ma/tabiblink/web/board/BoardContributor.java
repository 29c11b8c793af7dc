package ma.tabiblink.web.board;

/**
 * One section of the live board (who is online, queues, calls, bookings, alerts). Each feature that has something to
 * show contributes its own section, and calls {@link LiveBoard#changed()} when it changes.
 */
public interface BoardContributor {

    /** The section's name in the snapshot, e.g. {@code "queues"}. */
    String section();

    /** The section's current content, serialisable to JSON. */
    Object snapshot();

    /** A section shown to administrators only (coordinators watch the same board without it). */
    default boolean forAdministratorsOnly() {
        return false;
    }
}
