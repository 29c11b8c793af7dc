package ma.tabiblink.scheduler.reminder;

/**
 * Where reminders go (log, webhook, an SMS gateway behind a webhook). {@link #deliver} returns once the reminder is
 * accepted and throws {@link ReminderDeliveryException} once the channel gives up (after its own retries).
 */
@FunctionalInterface
public interface ReminderChannel {
    void deliver(Reminder reminder);
}
