package ma.tabiblink.web.auth;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import com.fasterxml.jackson.databind.ObjectMapper;

import ma.tabiblink.web.config.TabibSettings;
import ma.tabiblink.web.error.ErrorMetrics;
import redis.clients.jedis.UnifiedJedis;

/** Sign-in for the web application: login throttling and the bearer-token check of the REST API. */
@Configuration(proxyBeanMethods = false)
public class AuthConfiguration implements WebMvcConfigurer {

    /** The key comes from the configured file; in demo mode it is generated there on first run. */
    public static AccessTokens createAccessTokens(TabibSettings settings, Clock clock, String keyFile, Duration ttl) {
        Path file = keyFile.isBlank() ? settings.keysDir().resolve("access-token.jwk") : Path.of(keyFile);
        return new AccessTokens(settings.demo() ? SigningKeyFile.loadOrCreate(file) : SigningKeyFile.load(file), clock, ttl);
    }

    @Bean
    LoginThrottle loginThrottle(UnifiedJedis redis, Clock clock,
                                @Value("${tabib.auth.max-failures-per-user:5}") int perUserAndAddress,
                                @Value("${tabib.auth.max-failures-per-user-total:20}") int perUser,
                                @Value("${tabib.auth.max-failures-per-address:30}") int perAddress,
                                @Value("${tabib.auth.max-login-delay:15m}") Duration maxDelay) {
        return new LoginThrottle(redis, clock, new LoginThrottle.Allowances(perUserAndAddress, perUser, perAddress),
                maxDelay);
    }

    @Bean
    FilterRegistrationBean<BearerTokenFilter> bearerTokenFilter(TokenVerifier tokens, ObjectMapper json, ErrorMetrics errors) {
        FilterRegistrationBean<BearerTokenFilter> registration = new FilterRegistrationBean<>(new BearerTokenFilter(tokens, json, errors));
        registration.addUrlPatterns("/api/*");
        return registration;
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new CurrentUserResolver());
    }
}
