package ma.tabiblink.web.account;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.springframework.stereotype.Repository;

import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.UnifiedJedis;

/** Users, dispensaries and the specialty list, kept in Redis hashes (see {@link AccountKeys}). */
@Repository
public class AccountRepository {

    private final UnifiedJedis redis;

    public AccountRepository(UnifiedJedis redis) {
        this.redis = redis;
    }

    public Optional<UserAccount> findUser(String id) {
        Map<String, String> h = redis.hgetAll(AccountKeys.user(id));
        if (h.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new UserAccount(id, h.get("displayName"), Role.valueOf(h.get("role")), h.get("passwordHash"),
                h.getOrDefault("dispensaryId", ""), splitSet(h.get("specialties")), h.get("language"),
                !"false".equals(h.get("enabled"))));
    }

    public List<UserAccount> allUsers() {
        return new TreeSet<>(redis.smembers(AccountKeys.USERS)).stream()
                .map(this::findUser).flatMap(Optional::stream).toList();
    }

    public void saveUser(UserAccount user) {
        Map<String, String> h = new HashMap<>();
        h.put("displayName", user.displayName());
        h.put("role", user.role().name());
        h.put("passwordHash", user.passwordHash());
        h.put("dispensaryId", user.dispensaryId());
        h.put("specialties", String.join(",", new TreeSet<>(user.specialties())));
        h.put("language", user.language());
        h.put("enabled", Boolean.toString(user.enabled()));
        try (AbstractTransaction tx = redis.multi()) {
            tx.hset(AccountKeys.user(user.id()), h);
            tx.sadd(AccountKeys.USERS, user.id());
            tx.exec();
        }
    }

    /** Creates the user only when no account has that id yet; returns whether it did. */
    public boolean createUserIfAbsent(UserAccount user) {
        if (redis.exists(AccountKeys.user(user.id()))) {
            return false;
        }
        saveUser(user);
        return true;
    }

    public void setLanguage(String userId, String language) {
        redis.hset(AccountKeys.user(userId), "language", language);
    }

    public Optional<Dispensary> findDispensary(String id) {
        if (id == null || id.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> h = redis.hgetAll(AccountKeys.dispensary(id));
        return h.isEmpty() ? Optional.empty() : Optional.of(new Dispensary(id, h.get("name"), h.get("province")));
    }

    public List<Dispensary> allDispensaries() {
        return new TreeSet<>(redis.smembers(AccountKeys.DISPENSARIES)).stream()
                .map(this::findDispensary).flatMap(Optional::stream).toList();
    }

    public void saveDispensary(Dispensary dispensary) {
        try (AbstractTransaction tx = redis.multi()) {
            tx.hset(AccountKeys.dispensary(dispensary.id()), Map.of("name", dispensary.name(), "province", dispensary.province()));
            tx.sadd(AccountKeys.DISPENSARIES, dispensary.id());
            tx.exec();
        }
    }

    public Set<String> specialties() {
        return new TreeSet<>(redis.smembers(AccountKeys.SPECIALTIES));
    }

    public void addSpecialties(Set<String> codes) {
        if (!codes.isEmpty()) {
            redis.sadd(AccountKeys.SPECIALTIES, codes.toArray(String[]::new));
        }
    }

    private static Set<String> splitSet(String csv) {
        if (csv == null || csv.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(csv.split(",")).map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    }
}
