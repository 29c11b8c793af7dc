package ma.tabiblink.web.proxy;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import ma.tabiblink.web.config.StartupException;

@Configuration(proxyBeanMethods = false)
class ProxyConfiguration {

    @Bean
    TrustedProxies trustedProxies(@Value("${tabib.trusted-proxies:127.0.0.1,::1}") String list) {
        try {
            return TrustedProxies.parse(list);
        } catch (IllegalArgumentException e) {
            throw new StartupException("TABIB_TRUSTED_PROXIES: " + e.getMessage());
        }
    }

    /** First of all filters: whatever reads the client's address reads the real one. */
    @Bean
    FilterRegistrationBean<ClientAddressFilter> clientAddressFilter(TrustedProxies proxies) {
        FilterRegistrationBean<ClientAddressFilter> registration = new FilterRegistrationBean<>(new ClientAddressFilter(proxies));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
