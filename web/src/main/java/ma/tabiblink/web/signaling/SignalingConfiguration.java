package ma.tabiblink.web.signaling;

import java.time.Clock;
import java.time.Duration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import ma.tabiblink.signaling.appointment.AppointmentDirectory;
import ma.tabiblink.signaling.event.CallEventListener;
import ma.tabiblink.signaling.event.SignalingObserver;
import ma.tabiblink.signaling.video.VideoBroker;
import ma.tabiblink.signaling.video.VideoException;
import ma.tabiblink.web.account.AccountRepository;
import ma.tabiblink.web.auth.AccessTokens;
import ma.tabiblink.web.auth.SessionRevocations;
import ma.tabiblink.web.auth.SignInSessions;
import ma.tabiblink.web.auth.SocketTickets;
import ma.tabiblink.web.auth.TokenVerifier;
import ma.tabiblink.web.config.StartupException;
import redis.clients.jedis.UnifiedJedis;

@Configuration(proxyBeanMethods = false)
public class SignalingConfiguration {

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
                                        ObjectProvider<CallEventListener> listeners,
                                        ObjectProvider<SignalingObserver> observer, VideoBroker video, UnifiedJedis redis,
                                        @Value("${tabib.signaling.drain:10s}") Duration drain) {
        EmbeddedSignaling signaling = new EmbeddedSignaling(context, env, new TokenAuthenticator(verifier, tickets),
                new AccountTokenRefresher(accounts, tokens, sessions),
                appointments.getIfAvailable(() -> AppointmentDirectory.NONE), () -> listeners.orderedStream().toList(),
                () -> observer.getIfAvailable(() -> SignalingObserver.NONE), video, redis, drain);
        revocations.listen(signaling);
        return signaling;
    }
}
