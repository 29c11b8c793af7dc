package ma.tabiblink.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Scripts keep running when the server lost its script cache: a restart, SCRIPT FLUSH, or a freshly promoted replica. */
class RedisScriptTest extends RedisTestSupport {

    @Test
    void aScriptRunsAgainAfterTheServerForgetsItsScripts() {
        RedisScript count = RedisScript.load(redis, RedisScriptTest.class, "count.lua");
        assertThat(count.run(List.of("counter"), List.of())).isEqualTo(1L);

        redis.scriptFlush();

        assertThat(count.run(List.of("counter"), List.of())).isEqualTo(2L);
        assertThat(redis.scriptExists(List.of(count.sha()))).as("reloaded into the cache").containsExactly(true);
    }
}
