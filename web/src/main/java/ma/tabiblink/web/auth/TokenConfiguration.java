package ma.tabiblink.web.auth;

import java.time.Clock;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import ma.tabiblink.web.config.TabibSettings;
import redis.clients.jedis.UnifiedJedis;

/**
 * Access tokens, sign-in sessions, socket tickets and session revocations: what the web application and a standalone
 * signalling node both need to accept a connection and to end it when its sign-in ends.
 */
@Configuration(proxyBeanMethods = false)
public class TokenConfiguration {

    private static final Logger log = LoggerFactory.getLogger(TokenConfiguration.class);

    @Bean
    AccessTokens accessTokens(TabibSettings settings, Clock clock,
                              @Value("${tabib.auth.token-key-file:}") String keyFile,
                              @Value("${tabib.auth.access-token-ttl:15m}") Duration ttl) {
        return AuthConfiguration.createAccessTokens(settings, clock, keyFile, ttl);
    }

    @Bean
    SignInSessions signInSessions(UnifiedJedis redis, Clock clock,
                                  @Value("${tabib.auth.idle-timeout:30m}") Duration idleTimeout,
                                  @Value("${tabib.auth.max-session:12h}") Duration maxSession) {
        return new SignInSessions(redis, clock, idleTimeout, maxSession);
    }

    @Bean
    TokenVerifier tokenVerifier(AccessTokens tokens, SignInSessions sessions,
                                @Value("${tabib.auth.sessionless-tokens:false}") boolean acceptSessionless) {
        if (acceptSessionless) {
            log.warn("TABIB_AUTH_SESSIONLESS_TOKENS=true: access tokens minted with the signing key outside a sign-in "
                    + "are accepted (load testing only; never in production)");
        }
        return new TokenVerifier(tokens, sessions, acceptSessionless);
    }

    @Bean
    SocketTickets socketTickets(UnifiedJedis redis, Clock clock, TokenVerifier verifier) {
        return new SocketTickets(redis, clock, verifier);
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    SessionRevocations sessionRevocations(UnifiedJedis redis) {
        return new SessionRevocations(redis);
    }
}
