package ma.tabiblink.web.browser;

import java.time.Duration;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import ma.tabiblink.ops.netlab.NetworkLab;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A nurse behind a firewall that blocks UDP, on a server with no TURN relay: the call cannot connect, and both users
 * are told so in words, with a way forward, instead of looking at a black screen.
 */
class UdpBlockedWithoutTurnTest extends NetworkLabSupport {

    static final NetworkLab LAB = startLab();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        if (LAB != null) {
            serverInTheLab(registry, LAB);
        }
    }

    @BeforeAll
    static void requireTheLab() {
        requireLab(LAB);
    }

    @AfterAll
    static void closeLab() {
        if (LAB != null) {
            LAB.close();
        }
    }

    @Override
    NetworkLab lab() {
        return LAB;
    }

    @Test
    void behindAFirewallThatBlocksUdpWithNoRelayBothUsersAreTold() throws Exception {
        LAB.openPorts(Set.of(port, signaling.boundPort()));
        try (BrowserSession specialist = specialistOnThisMachine(); BrowserSession nurse = nurseInTheLab();
             AutoCloseable goodLinkFirst = () -> link("4g")) {
            long accepted = startCall(nurse, specialist, "Aicha Ait Ouarab", "udp-blocked");
            nurse.waitUntil("nurse told", Duration.ofMillis(guard(12_000)), b -> b.driver().findElement(By.id("call-blocked")).isDisplayed());
            long nurseTold = System.currentTimeMillis();
            specialist.waitUntil("specialist told", Duration.ofSeconds(30), b -> b.driver().findElement(By.id("call-blocked")).isDisplayed());
            long bothTold = System.currentTimeMillis();
            System.out.println("netlab udp-blocked without TURN: told after " + (nurseTold - accepted) + " ms (nurse), "
                    + (bothTold - accepted) + " ms (both)");
            result("udp-blocked-no-turn", "toldMs", bothTold - accepted);

            assertThat(bothTold - accepted).as("time until both are told").isLessThanOrEqualTo(guard(12_000));
            for (BrowserSession browser : new BrowserSession[] {nurse, specialist}) {
                assertThat(browser.attribute("#call-blocked .blocked-text", "data-i18n")).isEqualTo("call.blocked");
                assertThat(browser.driver().findElement(By.cssSelector("#call-blocked .blocked-text")).getText()).isNotBlank();
                assertThat(browser.driver().findElement(By.id("retry-audio-only")).isDisplayed()).isTrue();
            }
            // The nurse may send a written case instead; the specialist has nothing to send.
            assertThat(nurse.driver().findElement(By.id("blocked-send-case")).isDisplayed()).isTrue();
            assertThat(specialist.driver().findElements(By.id("blocked-send-case"))).isEmpty();
            nurse.click("#call-blocked button.danger");
            specialist.waitUntil("call ended for the specialist", CALL_WAIT,
                    b -> !b.driver().findElements(By.cssSelector("#call .call-main.ended")).isEmpty()
                            || b.driver().findElements(By.id("call")).isEmpty());
        }
    }
}
