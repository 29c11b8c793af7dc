package ma.tabiblink.web.scheduling;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import ma.tabiblink.scheduler.reminder.Reminder;
import ma.tabiblink.scheduler.reminder.ReminderChannel;
import ma.tabiblink.scheduler.reminder.ReminderDeliveryException;

/**
 * Measures reminders on their way out: how late each one left after its due time ({@code tabib_reminders_lag}) and
 * how many were delivered, late or failed ({@code tabib_reminders_total{outcome}}).
 */
final class MeteredReminderChannel implements ReminderChannel {

    private final ReminderChannel delegate;
    private final MeterRegistry meters;
    private final Timer lag;

    MeteredReminderChannel(ReminderChannel delegate, MeterRegistry meters) {
        this.delegate = delegate;
        this.meters = meters;
        this.lag = Timer.builder("tabib.reminders.lag").description("Delay between a reminder's due time and its delivery")
                .publishPercentileHistogram().register(meters);
    }

    @Override
    public void deliver(Reminder reminder) {
        lag.record(reminder.lateBy());
        try {
            delegate.deliver(reminder);
            meters.counter("tabib.reminders", "outcome", reminder.late() ? "late" : "on-time").increment();
        } catch (ReminderDeliveryException e) {
            meters.counter("tabib.reminders", "outcome", "failed").increment();
            throw e;
        }
    }
}
