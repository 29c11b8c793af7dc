package ma.tabiblink.web.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import ma.tabiblink.records.Records;
import ma.tabiblink.records.audit.AuditAction;
import ma.tabiblink.records.audit.AuditOutcome;
import ma.tabiblink.web.account.AccountRepository;
import ma.tabiblink.web.account.PasswordHasher;
import ma.tabiblink.web.account.Role;
import ma.tabiblink.web.account.UserAccount;
import ma.tabiblink.web.support.ApiClient;
import ma.tabiblink.web.support.WebTestSupport;

/**
 * Sign-in throttling behind the shipped reverse proxy: the test client is on loopback, a trusted proxy by default,
 * and names the client it speaks for in X-Forwarded-For, as nginx does.
 */
class LoginThrottleTest extends WebTestSupport {

    private static final String GUESSER = "203.0.113.7";

    @Autowired
    AccountRepository accounts;
    @Autowired
    PasswordHasher hasher;
    @Autowired
    Records records;

    private String newNurse(String id) {
        accounts.saveUser(new UserAccount(id, "Throttle Test", Role.NURSE, hasher.hash("the-right-password"),
                "disp-tinghir", Set.of(), "fr", true));
        return id;
    }

    private ApiClient.Response login(String user, String password, String client) {
        return api().post("/api/v1/auth/login", Map.of("username", user, "password", password),
                Map.of("X-Forwarded-For", client));
    }

    @Test
    void fiftyParallelBadLoginsGetAtMostFivePasswordChecksAndTheRealUserBehindTheProxyStillSignsIn() throws Exception {
        String user = newNurse("throttle-burst");
        ExecutorService pool = Executors.newFixedThreadPool(50);
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<ApiClient.Response>> attempts = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                attempts.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return login(user, "guess-" + Thread.currentThread().getId(), GUESSER);
                }, pool));
            }
            start.countDown();
            List<ApiClient.Response> answers = attempts.stream().map(CompletableFuture::join).toList();
            long checked = answers.stream().filter(r -> "BAD_CREDENTIALS".equals(r.code())).count();
            long delayed = answers.stream().filter(r -> r.status() == 429 && "LOGIN_DELAYED".equals(r.code())).count();
            assertThat(checked).isLessThanOrEqualTo(5);
            assertThat(checked + delayed).isEqualTo(50);
            // every password check that failed is in the audit log, from the guesser's address, not the proxy's
            assertThat(records.audit().entries(null, 100_000).stream().filter(e -> e.action() == AuditAction.SIGN_IN
                    && e.outcome() == AuditOutcome.DENIED && user.equals(e.entityId()))).hasSize((int) checked)
                    .allMatch(e -> GUESSER.equals(e.from()));
        } finally {
            pool.shutdownNow();
        }
        // the guesser waits, even with the right password: guessing on until the next guess is checked (the burst's
        // one-second delay may have run out on a busy machine) starts a two-second delay, in which it is tried
        long giveUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!"BAD_CREDENTIALS".equals(login(user, "guess-again", GUESSER).code()) && System.nanoTime() < giveUpAt) {
            Thread.sleep(100);
        }
        assertThat(login(user, "the-right-password", GUESSER).code()).isEqualTo("LOGIN_DELAYED");
        // ...while the nurse herself, another client behind the same proxy, signs in
        ApiClient.Response nurse = login(user, "the-right-password", "198.51.100.9");
        assertThat(nurse.status()).as(nurse.body()).isEqualTo(200);
        // and so does anyone else on the proxy
        assertThat(login("coord1", "demo1234", "192.0.2.44").status()).isEqualTo(200);
    }

    @Test
    void delaysGrowWithEachFurtherFailureInsteadOfLockingTheAccount() throws Exception {
        String user = newNurse("throttle-steps");
        for (int i = 0; i < 5; i++) {
            assertThat(login(user, "wrong", GUESSER).code()).isEqualTo("BAD_CREDENTIALS");
        }
        ApiClient.Response first = login(user, "wrong", GUESSER);
        assertThat(first.code()).isEqualTo("LOGIN_DELAYED");
        assertThat(first.json().path("details").path("retryAfterSeconds").asLong()).isEqualTo(1);
        Thread.sleep(1_100);
        assertThat(login(user, "wrong", GUESSER).code()).isEqualTo("BAD_CREDENTIALS");
        assertThat(login(user, "wrong", GUESSER).json().path("details").path("retryAfterSeconds").asLong()).isEqualTo(2);
        Thread.sleep(2_100);
        assertThat(login(user, "the-right-password", GUESSER).status()).isEqualTo(200);
        // a success wipes that client's slate for this account
        assertThat(login(user, "wrong", GUESSER).code()).isEqualTo("BAD_CREDENTIALS");
    }

    @Test
    void aForwardedForHeaderIsBelievedOnlyFromATrustedProxy() {
        String user = newNurse("throttle-spoof");
        // nginx appends the address it saw: whatever the client wrote before that is not believed
        for (int i = 0; i < 5; i++) {
            login(user, "wrong", "10.9.8." + i + ", " + GUESSER);
        }
        assertThat(login(user, "wrong", "10.9.8.99, " + GUESSER).code()).isEqualTo("LOGIN_DELAYED");
    }
}
