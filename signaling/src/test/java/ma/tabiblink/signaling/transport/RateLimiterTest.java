package ma.tabiblink.signaling.transport;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimiterTest {

    private static final long START = 1_000_000_000_000L;
    private static final long MILLI = 1_000_000L;
    private static final long SECOND = 1_000 * MILLI;

    private static List<Boolean> attempts(RateLimiter limiter, int count, long nowNanos) {
        List<Boolean> answers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            answers.add(limiter.tryAcquire(nowNanos));
        }
        return answers;
    }

    @Test
    void allowsAFullBurstAtOnceAndRefusesTheNextMessage() {
        RateLimiter limiter = new RateLimiter(2, 5, START);

        assertThat(attempts(limiter, 6, START)).containsExactly(true, true, true, true, true, false);
    }

    @Test
    void refillsOneMessageForEachIntervalOfTheRate() {
        RateLimiter limiter = new RateLimiter(2, 5, START);
        attempts(limiter, 5, START);

        assertThat(limiter.tryAcquire(START + 490 * MILLI)).isFalse();
        assertThat(limiter.tryAcquire(START + 510 * MILLI)).isTrue();
        assertThat(limiter.tryAcquire(START + 510 * MILLI)).isFalse();
        assertThat(attempts(limiter, 4, START + 2100 * MILLI)).containsExactly(true, true, true, false);
    }

    @Test
    void refusedAttemptsDoNotSlowTheRefill() {
        RateLimiter limiter = new RateLimiter(1, 1, START);
        assertThat(limiter.tryAcquire(START)).isTrue();

        for (long at = START + 100 * MILLI; at < START + SECOND; at += 100 * MILLI) {
            assertThat(limiter.tryAcquire(at)).as("at %d ms", (at - START) / MILLI).isFalse();
        }
        assertThat(limiter.tryAcquire(START + 1010 * MILLI)).isTrue();
    }

    @Test
    void aLongQuietSpellSavesUpNoMoreThanTheBurst() {
        RateLimiter limiter = new RateLimiter(10, 3, START);
        attempts(limiter, 3, START);

        long anHourLater = START + 3600 * SECOND;
        assertThat(attempts(limiter, 4, anHourLater)).containsExactly(true, true, true, false);
    }

    @Test
    void aRateBelowOneMessagePerSecondRefillsOverSeveralSeconds() {
        RateLimiter limiter = new RateLimiter(0.5, 1, START);
        assertThat(limiter.tryAcquire(START)).isTrue();

        assertThat(limiter.tryAcquire(START + 1980 * MILLI)).isFalse();
        assertThat(limiter.tryAcquire(START + 2020 * MILLI)).isTrue();
    }
}
