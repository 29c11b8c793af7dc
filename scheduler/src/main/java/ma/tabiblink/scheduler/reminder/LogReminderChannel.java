package ma.tabiblink.scheduler.reminder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes reminders to the log (without the patient reference). */
public final class LogReminderChannel implements ReminderChannel {

    private static final Logger LOG = LoggerFactory.getLogger(LogReminderChannel.class);

    @Override
    public void deliver(Reminder reminder) {
        if (reminder.late()) {
            LOG.info("Reminder {} (LATE by {}s): appointment {} with {} at {} ({} min before)", reminder.id(),
                    reminder.lateBy().toSeconds(), reminder.appointmentId(), reminder.specialistId(),
                    reminder.localStart(), reminder.offset().toMinutes());
        } else {
            LOG.info("Reminder {}: appointment {} with {} at {} ({} min before)", reminder.id(),
                    reminder.appointmentId(), reminder.specialistId(), reminder.localStart(),
                    reminder.offset().toMinutes());
        }
    }
}
