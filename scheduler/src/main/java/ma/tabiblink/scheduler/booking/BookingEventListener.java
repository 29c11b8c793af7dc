package ma.tabiblink.scheduler.booking;

/** Receives booking events after the change is stored. Called on the thread that made the change; keep it quick. */
@FunctionalInterface
public interface BookingEventListener {
    void onEvent(BookingEvent event);
}
