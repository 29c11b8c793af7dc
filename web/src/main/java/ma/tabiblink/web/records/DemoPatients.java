package ma.tabiblink.web.records;

import java.time.LocalDate;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import ma.tabiblink.records.Actor;
import ma.tabiblink.records.Records;
import ma.tabiblink.records.RedisKeys;
import ma.tabiblink.records.patient.NewPatient;
import ma.tabiblink.records.patient.Sex;
import ma.tabiblink.web.config.TabibSettings;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/** Demo mode only: a few fictitious patients for disp-tinghir and disp-azilal, seeded once per data folder. */
@Component
@Order(20)
class DemoPatients implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(DemoPatients.class);

    static final List<NewPatient> PATIENTS = List.of(
            new NewPatient("Fatima Ait Benhaddou", LocalDate.of(1958, 3, 14), null, Sex.FEMALE, "disp-tinghir", "zgh",
                    null, null, true),
            new NewPatient("Mohamed Oubella", null, 1975, Sex.MALE, "disp-tinghir", "ar", null, null, true),
            new NewPatient("Yasmine Ouhmad", LocalDate.of(2019, 9, 2), null, Sex.FEMALE, "disp-tinghir", "ar",
                    null, null, true),
            new NewPatient("Lahcen Amellal", LocalDate.of(1949, 1, 20), null, Sex.MALE, "disp-azilal", "zgh",
                    null, null, true),
            new NewPatient("Khadija Naciri", null, 1988, Sex.FEMALE, "disp-azilal", "fr", null, null, true));

    private final TabibSettings settings;
    private final Records records;
    private final UnifiedJedis redis;

    DemoPatients(TabibSettings settings, Records records, UnifiedJedis redis) {
        this.settings = settings;
        this.records = records;
        this.redis = redis;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (!settings.demo()) {
            return;
        }
        if (!"OK".equals(redis.set(RedisKeys.demoSeeded(), "1", SetParams.setParams().nx()))) {
            return;
        }
        Actor seeder = Actor.system("demo-seed");
        PATIENTS.forEach(p -> records.patients().register(seeder, p));
        log.info("Demo mode: {} fictitious patients registered for disp-tinghir and disp-azilal", PATIENTS.size());
    }
}
