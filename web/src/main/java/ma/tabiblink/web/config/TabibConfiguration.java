package ma.tabiblink.web.config;

import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class TabibConfiguration {

    private static final Logger log = LoggerFactory.getLogger(TabibConfiguration.class);

    @Bean
    TabibSettings tabibSettings(@Value("${tabib.data-dir}") String dataDir,
                                @Value("${tabib.demo}") boolean demo,
                                @Value("${tabib.zone}") String zone) {
        TabibSettings settings = new TabibSettings(Path.of(dataDir).toAbsolutePath().normalize(), demo, ZoneId.of(zone));
        if (demo) {
            log.warn("""

                    ************************************************************************
                    *  DEMO MODE: embedded Redis, generated keys and demo accounts          *
                    *  (nurse1, nurse2, dr.cardio, dr.pedia, dr.derm, coord1, admin)        *
                    *  all with the password demo1234. Never use demo mode with real data.  *
                    ************************************************************************
                      data folder: {}""", settings.dataDir());
        }
        return settings;
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
