package ma.tabiblink.web.records;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import ma.tabiblink.records.RecordsException;
import ma.tabiblink.records.Records;
import ma.tabiblink.records.ReplicaAcknowledgement;
import ma.tabiblink.records.breakglass.BreakGlassLimit;
import ma.tabiblink.records.cases.ServiceLevels;
import ma.tabiblink.records.keys.KeyRing;
import ma.tabiblink.records.keys.KeystoreSettings;
import ma.tabiblink.web.config.StartupException;
import ma.tabiblink.web.config.TabibSettings;
import ma.tabiblink.web.redis.RedisConfiguration;
import redis.clients.jedis.UnifiedJedis;

/**
 * Builds the records module from properties:
 * <ul>
 *   <li>{@code tabib.records.keystore-passphrase} (env {@code TABIB_RECORDS_KEYSTORE_PASSPHRASE})</li>
 *   <li>{@code tabib.records.keystore-passphrase-file} (env {@code TABIB_RECORDS_KEYSTORE_PASSPHRASE_FILE})</li>
 *   <li>{@code tabib.records.keystore-file} (env {@code TABIB_RECORDS_KEYSTORE_FILE}), default
 *       {@code <dataDir>/keys/records-keystore.bcfks}</li>
 *   <li>{@code tabib.records.fhir-base-url} (env {@code TABIB_RECORDS_FHIR_BASE_URL}), the fullUrl base of exports</li>
 *   <li>{@code tabib.records.break-glass-limit} and {@code tabib.records.break-glass-window} (env
 *       {@code TABIB_RECORDS_BREAK_GLASS_LIMIT}, {@code TABIB_RECORDS_BREAK_GLASS_WINDOW}): emergency accesses per user
 *       and window (10 per 24 h)</li>
 *   <li>{@code TABIB_CASES_DUE_URGENT}, {@code _PRIORITY}, {@code _ROUTINE}: how soon a tele-expertise case must be
 *       answered, per urgency (4 h, 24 h, 72 h)</li>
 *   <li>{@code tabib.redis.min-replicas-acked} and {@code tabib.redis.replica-ack-timeout} (env
 *       {@code REDIS_MIN_REPLICAS_ACKED}, {@code REDIS_REPLICA_ACK_TIMEOUT}), shared with the scheduler: how many Redis
 *       replicas must hold a records write (note version, signature, consent, audit entry...) before it is reported
 *       done</li>
 * </ul>
 * In demo mode a missing keystore and passphrase file are generated; otherwise they are a startup error.
 */
@Configuration(proxyBeanMethods = false)
public class RecordsConfiguration {

    /** Settings of the records module, resolved from properties and the environment. */
    public record RecordsProperties(String passphrase, String passphraseFile, String keystoreFile, String fhirBaseUrl,
                                    int breakGlassLimit, Duration breakGlassWindow, Duration caseDueUrgent,
                                    Duration caseDuePriority, Duration caseDueRoutine) {

        KeystoreSettings keystore(TabibSettings settings) {
            KeystoreSettings defaults = KeystoreSettings.inDataDir(settings.dataDir(), blankToNull(passphrase),
                    passphraseFile.isBlank() ? null : Path.of(passphraseFile.strip()), settings.demo());
            if (keystoreFile.isBlank()) {
                return defaults;
            }
            return new KeystoreSettings(Path.of(keystoreFile.strip()), defaults.passphrase(), defaults.passphraseFile(),
                    settings.demo());
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s;
        }

        @Override
        public String toString() {
            return "RecordsProperties[passphrase=" + (passphrase.isEmpty() ? "" : "(set)") + ", passphraseFile="
                    + passphraseFile + ", keystoreFile=" + keystoreFile + ", fhirBaseUrl=" + fhirBaseUrl
                    + ", breakGlassLimit=" + breakGlassLimit + ", breakGlassWindow=" + breakGlassWindow
                    + ", caseDue=" + caseDueUrgent + "/" + caseDuePriority + "/" + caseDueRoutine + "]";
        }
    }

    @Bean
    RecordsProperties recordsProperties(
            @Value("${tabib.records.keystore-passphrase:${TABIB_RECORDS_KEYSTORE_PASSPHRASE:}}") String passphrase,
            @Value("${tabib.records.keystore-passphrase-file:${TABIB_RECORDS_KEYSTORE_PASSPHRASE_FILE:}}") String passphraseFile,
            @Value("${tabib.records.keystore-file:${TABIB_RECORDS_KEYSTORE_FILE:}}") String keystoreFile,
            @Value("${tabib.records.fhir-base-url:${TABIB_RECORDS_FHIR_BASE_URL:http://localhost:8080/fhir}}") String fhirBaseUrl,
            @Value("${tabib.records.break-glass-limit:${TABIB_RECORDS_BREAK_GLASS_LIMIT:10}}") int breakGlassLimit,
            @Value("${tabib.records.break-glass-window:${TABIB_RECORDS_BREAK_GLASS_WINDOW:24h}}") Duration breakGlassWindow,
            @Value("${tabib.cases.due-urgent:${TABIB_CASES_DUE_URGENT:4h}}") Duration caseDueUrgent,
            @Value("${tabib.cases.due-priority:${TABIB_CASES_DUE_PRIORITY:24h}}") Duration caseDuePriority,
            @Value("${tabib.cases.due-routine:${TABIB_CASES_DUE_ROUTINE:72h}}") Duration caseDueRoutine) {
        return new RecordsProperties(passphrase, passphraseFile, keystoreFile, fhirBaseUrl, breakGlassLimit,
                breakGlassWindow, caseDueUrgent, caseDuePriority, caseDueRoutine);
    }

    /** Opened after Redis, so that a missing Redis is reported before a missing keystore. */
    @Bean
    Records records(UnifiedJedis redis, Clock clock, TabibSettings settings, RecordsProperties properties,
                    RedisConfiguration.RedisProperties redisProperties) {
        KeyRing keyRing;
        BreakGlassLimit limit;
        ServiceLevels caseServiceLevels;
        ReplicaAcknowledgement acknowledgement;
        try {
            keyRing = KeyRing.open(properties.keystore(settings));
            limit = new BreakGlassLimit(properties.breakGlassLimit(), properties.breakGlassWindow());
            caseServiceLevels = new ServiceLevels(properties.caseDueUrgent(), properties.caseDuePriority(),
                    properties.caseDueRoutine());
            acknowledgement = new ReplicaAcknowledgement(redisProperties.minReplicasAcked(),
                    redisProperties.replicaAckTimeout());
        } catch (RecordsException | IllegalArgumentException e) {
            throw new StartupException(e.getMessage(), e);
        }
        return Records.create(redis, clock, keyRing, properties.fhirBaseUrl(), limit, caseServiceLevels,
                acknowledgement);
    }
}
