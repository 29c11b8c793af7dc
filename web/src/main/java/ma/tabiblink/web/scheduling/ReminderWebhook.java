package ma.tabiblink.web.scheduling;

import java.util.Optional;

import ma.tabiblink.scheduler.reminder.WebhookReminderChannel;

/**
 * The webhook configured for reminders ({@code tabib.scheduling.reminder-channel=webhook}), or none. Reminders go
 * through it, and so do other events the operator's gateway relays (a tele-expertise case answered).
 */
public final class ReminderWebhook {

    private final WebhookReminderChannel channel;

    ReminderWebhook(WebhookReminderChannel channel) {
        this.channel = channel;
    }

    public Optional<WebhookReminderChannel> channel() {
        return Optional.ofNullable(channel);
    }
}
