package ma.tabiblink.web.signaling;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import javax.crypto.SecretKey;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import ma.tabiblink.records.Records;
import ma.tabiblink.records.consultation.ConsultationEligibility;
import ma.tabiblink.signaling.appointment.AppointmentDirectory;
import ma.tabiblink.signaling.event.CallEventListener;
import ma.tabiblink.signaling.event.SignalingObserver;
import ma.tabiblink.signaling.patient.PatientAccess;
import ma.tabiblink.signaling.video.VideoBroker;
import ma.tabiblink.signaling.video.VideoException;
import ma.tabiblink.web.account.AccountRepository;
import ma.tabiblink.web.account.RecentDispensaries;
import ma.tabiblink.web.auth.AccessTokens;
import ma.tabiblink.web.auth.SessionRevocations;
import ma.tabiblink.web.auth.SignInSessions;
import ma.tabiblink.web.auth.SocketTickets;
import ma.tabiblink.web.auth.TokenVerifier;
import ma.tabiblink.web.config.StartupException;
import ma.tabiblink.web.config.TabibSettings;
import ma.tabiblink.web.records.PatientsForCalls;
import redis.clients.jedis.UnifiedJedis;

@Configuration(proxyBeanMethods = false)
public class SignalingConfiguration {

    /** How long a dispensary's name, shown to a rung specialist, is used before it is read again. */
    static final Duration DISPENSARY_NAMES_KEPT = Duration.ofMinutes(1);

    /** Holds the signalling state key, read (or, in demo mode, generated) at startup so that a missing one stops it. */
    record SignalingStateKey(SecretKey key) {
        @Override
        public String toString() {
            return "SignalingStateKey[(secret)]";
        }
    }

    @Bean
    SignalingStateKey signalingStateKey(TabibSettings settings,
                                        @Value("${tabib.signaling.state-key-file:}") String keyFile) {
        Path file = keyFile.isBlank() ? settings.keysDir().resolve(SignalingStateKeyFile.DEFAULT_NAME) : Path.of(keyFile);
        return new SignalingStateKey(settings.demo() ? SignalingStateKeyFile.loadOrCreate(file)
                : SignalingStateKeyFile.load(file));
    }

    /**
     * The records' rule on who may call about which patient. In the web application a refusal is also audited, and a
     * rung specialist is told the patient's age, sex and dispensary; a standalone signalling node has no records
     * keystore, so it checks without auditing and shows the record id only. Dispensaries' names are read again
     * after {@link #DISPENSARY_NAMES_KEPT}.
     */
    @Bean
    PatientAccess patientAccess(UnifiedJedis redis, ObjectProvider<Records> records, AccountRepository accounts,
                                TabibSettings settings, Clock clock) {
        Records here = records.getIfAvailable();
        return here == null ? new PatientsForCalls(new ConsultationEligibility(redis))
                : new PatientsForCalls(here, new RecentDispensaries(accounts::findDispensary, clock, DISPENSARY_NAMES_KEPT),
                        clock.withZone(settings.zone()));
    }

    @Bean
    VideoBroker videoBroker(Environment env, Clock clock) {
        try {
            return new VideoBroker(VideoSettings.from(env), clock);
        } catch (VideoException e) {
            throw new StartupException("Invalid TURN/STUN/Jitsi configuration: " + e.getMessage());
        }
    }

    @Bean
    EmbeddedSignaling embeddedSignaling(ApplicationContext context, Environment env, AccessTokens tokens,
                                        TokenVerifier verifier, SocketTickets tickets, SignInSessions sessions,
                                        SessionRevocations revocations, AccountRepository accounts,
                                        ObjectProvider<AppointmentDirectory> appointments,
                                        PatientAccess patients, SignalingStateKey stateKey,
                                        ObjectProvider<CallEventListener> listeners,
                                        ObjectProvider<SignalingObserver> observer, VideoBroker video, UnifiedJedis redis,
                                        Clock clock, @Value("${tabib.signaling.drain:10s}") Duration drain) {
        EmbeddedSignaling signaling = new EmbeddedSignaling(context, env, new TokenAuthenticator(verifier, tickets),
                new AccountTokenRefresher(accounts, tokens, sessions),
                appointments.getIfAvailable(() -> AppointmentDirectory.NONE), patients, stateKey.key(),
                () -> listeners.orderedStream().toList(),
                () -> observer.getIfAvailable(() -> SignalingObserver.NONE), video, redis, clock, drain);
        revocations.listen(signaling);
        return signaling;
    }
}
