package ma.tabiblink.web.scheduling;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import ma.tabiblink.scheduler.ReplicaAcknowledgement;
import ma.tabiblink.scheduler.SchedulerSettings;

/**
 * {@code tabib.scheduling.*}: the scheduler's tunables and its reminder channel. Each can be set by environment
 * variable through relaxed binding, e.g. {@code TABIB_SCHEDULING_HOLD_DURATION=10m}.
 *
 * @param reminderChannel {@code log} or {@code webhook}
 * @param webhookUrl      where the webhook channel POSTs reminders
 * @param webhookSecret   the HMAC-SHA256 key signing webhook bodies (at least 16 bytes)
 */
@ConfigurationProperties(prefix = "tabib.scheduling")
record SchedulingProperties(
        @DefaultValue("5m") Duration holdDuration,
        @DefaultValue({"24h", "1h"}) List<Duration> reminderOffsets,
        @DefaultValue("BOOK") SchedulerSettings.WaitlistMode waitlistMode,
        @DefaultValue("2h") Duration waitlistOfferDuration,
        @DefaultValue("7d") Duration idempotencyRetention,
        @DefaultValue("2m") Duration reminderLease,
        @DefaultValue("5m") Duration reminderLateTolerance,
        @DefaultValue("1s") Duration workerInterval,
        @DefaultValue("true") boolean workerEnabled,
        @DefaultValue("log") String reminderChannel,
        URI webhookUrl,
        String webhookSecret,
        @DefaultValue("5") int webhookMaxAttempts,
        @DefaultValue("1s") Duration webhookInitialBackoff,
        @DefaultValue("5s") Duration webhookTimeout) {

    SchedulerSettings toSettings(ReplicaAcknowledgement replicaAcknowledgement) {
        return new SchedulerSettings(holdDuration, reminderOffsets, waitlistMode, waitlistOfferDuration,
                idempotencyRetention, reminderLease, reminderLateTolerance, workerInterval, replicaAcknowledgement);
    }
}
