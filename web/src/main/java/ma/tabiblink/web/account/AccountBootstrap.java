package ma.tabiblink.web.account;

import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import ma.tabiblink.web.config.StartupException;
import ma.tabiblink.web.config.TabibSettings;
import redis.clients.jedis.UnifiedJedis;

/**
 * Puts the accounts the application cannot run without in place: in demo mode the demo accounts, dispensaries and
 * specialties; otherwise the first administrator from {@code TABIB_BOOTSTRAP_ADMIN_PASSWORD}, and no demo account.
 */
@Component
@Order(0)
class AccountBootstrap implements ApplicationRunner {

    static final String DEMO_PASSWORD = "demo1234";
    private static final String DEMO_USERS = "tl:acct:demo-users";
    private static final Logger log = LoggerFactory.getLogger(AccountBootstrap.class);

    static final Set<String> SPECIALTIES = Set.of("cardiology", "paediatrics", "dermatology", "gynaecology-obstetrics",
            "endocrinology", "ent", "pulmonology");

    private final AccountRepository accounts;
    private final PasswordHasher hasher;
    private final TabibSettings settings;
    private final UnifiedJedis redis;
    private final String bootstrapAdminPassword;

    AccountBootstrap(AccountRepository accounts, PasswordHasher hasher, TabibSettings settings, UnifiedJedis redis,
                     @Value("${tabib.bootstrap-admin-password:}") String bootstrapAdminPassword) {
        this.accounts = accounts;
        this.hasher = hasher;
        this.settings = settings;
        this.redis = redis;
        this.bootstrapAdminPassword = bootstrapAdminPassword;
    }

    @Override
    public void run(ApplicationArguments args) {
        accounts.addSpecialties(SPECIALTIES);
        if (settings.demo()) {
            seedDemo();
        } else {
            removeDemoAccounts();
            ensureAdministrator();
        }
    }

    private void seedDemo() {
        accounts.saveDispensary(new Dispensary("disp-tinghir", "Centre de santé rural Tinghir", "Tinghir"));
        accounts.saveDispensary(new Dispensary("disp-azilal", "Dispensaire Aït Mhamed", "Azilal"));
        List<UserAccount> demo = List.of(
                user("nurse1", "Fatima Zahra Ouali", Role.NURSE, "disp-tinghir", Set.of(), "ar"),
                user("nurse2", "Youssef Aït Brahim", Role.NURSE, "disp-azilal", Set.of(), "fr"),
                user("dr.cardio", "Dr. Karim Bennani", Role.SPECIALIST, "", Set.of("cardiology"), "fr"),
                user("dr.pedia", "Dr. Salma El Idrissi", Role.SPECIALIST, "", Set.of("paediatrics"), "fr"),
                user("dr.derm", "Dr. Omar Tazi", Role.SPECIALIST, "", Set.of("dermatology"), "fr"),
                user("coord1", "Nadia Chraibi", Role.COORDINATOR, "", Set.of(), "fr"),
                user("admin", "Administrator", Role.ADMIN, "", Set.of(), "en"));
        // One Argon2id hash for all of them: the demo password is printed at start anyway, and each hash costs start-up
        // a fraction of a second of CPU.
        String demoHash = hasher.hash(DEMO_PASSWORD);
        for (UserAccount account : demo) {
            if (accounts.createUserIfAbsent(account.withPasswordHash(demoHash))) {
                redis.sadd(DEMO_USERS, account.id());
            }
        }
    }

    private void removeDemoAccounts() {
        Set<String> demoUsers = redis.smembers(DEMO_USERS);
        for (String id : demoUsers) {
            redis.del("tl:acct:user:" + id);
            redis.srem(AccountKeys.USERS, id);
        }
        if (!demoUsers.isEmpty()) {
            log.warn("Removed {} demo accounts left by an earlier demo run on this Redis", demoUsers.size());
        }
        redis.del(DEMO_USERS);
    }

    private void ensureAdministrator() {
        boolean hasAdmin = accounts.allUsers().stream().anyMatch(u -> u.role() == Role.ADMIN && u.enabled());
        if (hasAdmin) {
            return;
        }
        if (bootstrapAdminPassword.length() < 12) {
            throw new StartupException("No administrator account exists yet. Set TABIB_BOOTSTRAP_ADMIN_PASSWORD "
                    + "(at least 12 characters) once to create the 'admin' account, then remove it.");
        }
        accounts.saveUser(new UserAccount("admin", "Administrator", Role.ADMIN, hasher.hash(bootstrapAdminPassword),
                "", Set.of(), "en", true));
        log.info("Created the first administrator account 'admin'");
    }

    private static UserAccount user(String id, String name, Role role, String dispensary, Set<String> specialties, String lang) {
        return new UserAccount(id, name, role, "", dispensary, specialties, lang, true);
    }
}
