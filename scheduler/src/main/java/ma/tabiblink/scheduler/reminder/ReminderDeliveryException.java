package ma.tabiblink.scheduler.reminder;

/** A channel gave up delivering a reminder. */
public final class ReminderDeliveryException extends RuntimeException {
    public ReminderDeliveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
