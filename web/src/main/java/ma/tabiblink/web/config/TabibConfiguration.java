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

    /** What a server started with no configuration at all says (a plain {@code java -jar}). */
    static final String NOT_CONFIGURED = """
            No Redis configured: set REDIS_URL. Tabib Link starts either in demo mode, asked for explicitly, or \
            configured for real use:
              - demo on this machine: `bash ops/run.sh`, or TABIB_DEMO=true java -jar tabib-link.jar (embedded Redis, \
            generated keys, demo accounts with the password demo1234; never with real patients);
              - real use: REDIS_URL (or REDIS_SENTINELS with REDIS_SENTINEL_MASTER), TABIB_TOKEN_KEY_FILE, \
            TABIB_RECORDS_KEYSTORE_PASSPHRASE_FILE and, once, TABIB_BOOTSTRAP_ADMIN_PASSWORD \
            (README.md, "Configuration"; docs/operations.md).""";

    @Bean
    TabibSettings tabibSettings(@Value("${tabib.data-dir}") String dataDir,
                                @Value("${tabib.demo}") boolean demo,
                                @Value("${tabib.zone}") String zone,
                                @Value("${tabib.redis.url:}") String redisUrl,
                                @Value("${tabib.redis.sentinels:}") String redisSentinels) {
        if (!demo && redisUrl.isBlank() && redisSentinels.isBlank()) {
            throw new StartupException(NOT_CONFIGURED);
        }
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
