package ma.tabiblink.web.scheduling;

import java.nio.charset.StandardCharsets;
import java.time.Clock;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.micrometer.core.instrument.MeterRegistry;

import ma.tabiblink.scheduler.ReplicaAcknowledgement;
import ma.tabiblink.scheduler.Scheduler;
import ma.tabiblink.scheduler.SchedulerWorker;
import ma.tabiblink.scheduler.availability.AvailabilityStore;
import ma.tabiblink.scheduler.availability.SlotFinder;
import ma.tabiblink.scheduler.booking.BookingService;
import ma.tabiblink.scheduler.calendar.CalendarFeed;
import ma.tabiblink.scheduler.reminder.LogReminderChannel;
import ma.tabiblink.scheduler.reminder.ReminderChannel;
import ma.tabiblink.scheduler.reminder.WebhookReminderChannel;
import ma.tabiblink.web.config.StartupException;
import ma.tabiblink.web.redis.RedisConfiguration;
import redis.clients.jedis.UnifiedJedis;

/** Builds the scheduler from {@code tabib.scheduling.*} and runs its background worker while the app runs. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SchedulingProperties.class)
class SchedulingConfiguration {

    @Bean
    Scheduler scheduler(UnifiedJedis redis, Clock clock, SchedulingProperties properties,
                        RedisConfiguration.RedisProperties redisProperties) {
        try {
            return new Scheduler(redis, clock, properties.toSettings(new ReplicaAcknowledgement(
                    redisProperties.minReplicasAcked(), redisProperties.replicaAckTimeout())));
        } catch (IllegalArgumentException e) {
            throw new StartupException("Invalid tabib.scheduling settings: " + e.getMessage());
        }
    }

    @Bean
    AvailabilityStore availabilityStore(Scheduler scheduler) {
        return scheduler.availability();
    }

    @Bean
    SlotFinder slotFinder(Scheduler scheduler) {
        return scheduler.slots();
    }

    /** Also the lookup the signalling wiring uses to open the call of a booked appointment ({@code find(id)}). */
    @Bean
    BookingService bookingService(Scheduler scheduler) {
        return scheduler.bookings();
    }

    @Bean
    CalendarFeed calendarFeed(Scheduler scheduler) {
        return scheduler.calendar();
    }

    /** The operator's webhook, when reminders go to one; tele-expertise case updates are posted there too. */
    @Bean
    ReminderWebhook reminderWebhook(SchedulingProperties properties, Clock clock) {
        return switch (properties.reminderChannel()) {
            case "log" -> new ReminderWebhook(null);
            case "webhook" -> {
                if (properties.webhookUrl() == null || properties.webhookSecret() == null
                        || properties.webhookSecret().getBytes(StandardCharsets.UTF_8).length < 16) {
                    throw new StartupException("The webhook reminder channel needs tabib.scheduling.webhook-url and "
                            + "tabib.scheduling.webhook-secret (at least 16 bytes).");
                }
                yield new ReminderWebhook(new WebhookReminderChannel(properties.webhookUrl(),
                        properties.webhookSecret().getBytes(StandardCharsets.UTF_8), properties.webhookMaxAttempts(),
                        properties.webhookInitialBackoff(), properties.webhookTimeout(), clock));
            }
            default -> throw new StartupException("tabib.scheduling.reminder-channel must be 'log' or 'webhook', not '"
                    + properties.reminderChannel() + "'.");
        };
    }

    @Bean
    ReminderChannel reminderChannel(ReminderWebhook webhook, MeterRegistry meters) {
        return new MeteredReminderChannel(webhook.channel().<ReminderChannel>map(c -> c)
                .orElseGet(LogReminderChannel::new), meters);
    }

    @Bean(destroyMethod = "stop")
    SchedulerWorker schedulerWorker(Scheduler scheduler, ReminderChannel channel, SchedulingProperties properties) {
        SchedulerWorker worker = scheduler.worker(channel);
        if (properties.workerEnabled()) {
            worker.start();
        }
        return worker;
    }
}
