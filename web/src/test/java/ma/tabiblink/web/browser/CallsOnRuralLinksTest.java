package ma.tabiblink.web.browser;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import ma.tabiblink.ops.netlab.DirectionStats;
import ma.tabiblink.ops.netlab.NetworkLab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Calls through the network lab with a TURN relay configured, one test per row of what a dispensary's link must
 * support: rural 3G, weak 3G and satellite carry clear audio; EDGE turns the call to audio only and really stops
 * video; video comes back when EDGE turns into 4G; blackouts of 10 and 40 s; a firewall that blocks UDP.
 */
class CallsOnRuralLinksTest extends NetworkLabSupport {

    static final NetworkLab LAB = startLab();
    static final LabTurnServer TURN = LAB != null && LabTurnServer.installed() ? LabTurnServer.start(LAB.hostAddress()) : null;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        if (LAB == null) {
            return;
        }
        serverInTheLab(registry, LAB);
        if (TURN != null) {
            registry.add("tabib.video.turn-urls", TURN::urls);
            registry.add("tabib.video.turn-secret", () -> TURN.secret);
            // The shortest lifetime allowed: a call through the relay renews its credentials within this test class.
            registry.add("tabib.video.turn-credential-ttl", () -> "5m");
        }
    }

    @BeforeAll
    static void requireLabAndTurn() {
        requireLab(LAB);
    }

    @AfterAll
    static void closeLab() throws Exception {
        if (TURN != null) {
            TURN.close();
        }
        if (LAB != null) {
            LAB.close();
        }
    }

    @BeforeEach
    void goodLink() {
        link("4g");
        LAB.openPorts(Set.of());
    }

    /**
     * Before the browsers close: back to good 4G, and a call still running (a test that failed) hung up, so that the
     * next test's specialist is not still busy in it and both pages sign out cleanly.
     */
    void endCleanly(BrowserSession nurse, BrowserSession specialist) throws InterruptedException {
        goodLink();
        for (BrowserSession browser : new BrowserSession[] {nurse, specialist}) {
            if (browser != null && !browser.driver().findElements(By.cssSelector("#call:not(.ended) #hangup")).isEmpty()) {
                browser.script("document.querySelector('#hangup').click();");
            }
        }
        Thread.sleep(500);
    }

    @Override
    String trustedTurnKeyHash() {
        return TURN == null ? null : TURN.certificateKeyHash;
    }

    @Override
    NetworkLab lab() {
        return LAB;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"3g-rural", "weak-3g", "satellite"})
    void onRuralLinksTheCallConnectsQuicklyAndCarriesClearAudio(String profile) throws Exception {
        try (BrowserSession specialist = specialistOnThisMachine(); BrowserSession nurse = nurseInTheLab();
             AutoCloseable cleanUp = () -> endCleanly(nurse, specialist)) {
            // One patient per profile: the same name and birth year twice in a dispensary is a likely duplicate.
            String patient = Map.of("3g-rural", "Ito Ait Baha", "weak-3g", "Hadda Ait Ali", "satellite", "Yamna Oukhouya")
                    .get(profile);
            long accepted = startCall(nurse, specialist, patient, profile);
            long connected = awaitConnected(nurse, specialist, CALL_WAIT);
            Thread.sleep(5000);
            Window window = measure(nurse, specialist, Duration.ofSeconds(10));
            report(profile, "connected in " + (connected - accepted) + " ms; " + window);
            result(profile, "setupMs", connected - accepted, window);

            assertThat(connected - accepted).as("set-up time on " + profile).isLessThanOrEqualTo(guard(6000));
            for (Side side : new Side[] {window.nurse(), window.specialist()}) {
                assertThat(side.audioPacketsPerSecond()).as("audio packets/s on " + profile).isGreaterThanOrEqualTo(40);
                assertThat(side.concealmentPercent()).as("concealment on " + profile).isLessThanOrEqualTo(guard(5.0));
            }
            hangUp(nurse, specialist);
        }
    }

    @Test
    void onEdgeTheCallTurnsAudioOnlyStopsTheVideoStreamAndKeepsTheAudioClear() throws Exception {
        try (BrowserSession specialist = specialistOnThisMachine(); BrowserSession nurse = nurseInTheLab();
             AutoCloseable cleanUp = () -> endCleanly(nurse, specialist)) {
            long degraded = videoCallThenEdge(nurse, specialist, "Hmad Oubella");
            long audioOnly = whenBoth(nurse, specialist, Duration.ofSeconds(20), "audio only", MediaSample::audioOnly);
            nurse.waitFor("#call.audio-only #media-note");
            specialist.waitFor("#call.audio-only #media-note");
            // The video streams stop at once; the renegotiation that takes them off the connection crosses a link
            // whose queue is still full of video, which takes a few seconds more.
            long videoOff = whenBoth(nurse, specialist, Duration.ofSeconds(30), "video off the connection",
                    sample -> "inactive".equals(sample.videoDirection()));
            Thread.sleep(2000);
            DirectionStats upBefore = LAB.up();
            DirectionStats downBefore = LAB.down();
            Window window = measure(nurse, specialist, Duration.ofSeconds(10));
            DirectionStats up = LAB.up().since(upBefore);
            DirectionStats down = LAB.down().since(downBefore);
            report("edge", String.format("audio only after %d ms, video off the connection %d ms later; then %s; "
                            + "UDP sent by the nurse %.0f kbit/s, towards her %.0f kbit/s", audioOnly - degraded, videoOff - audioOnly, window, up.offeredUdpKbps(), down.offeredUdpKbps()));
            result("edge", "audioOnlyMs", audioOnly - degraded, window, "videoOffMs", videoOff - audioOnly,
                    "nurseSendsKbps", up.offeredUdpKbps(), "towardsNurseKbps", down.offeredUdpKbps());

            if (window.nurse().concealmentPercent() > 10 || window.specialist().concealmentPercent() > 10) {
                System.out.println("netlab edge, the nurse's link second by second: "
                        + nurse.script("return JSON.stringify(window.tabibDiagnostics.call.recent.slice(-30));"));
                System.out.println("netlab edge, the specialist's: "
                        + specialist.script("return JSON.stringify(window.tabibDiagnostics.call.recent.slice(-30));"));
            }
            assertThat(audioOnly - degraded).as("time to audio only").isLessThanOrEqualTo(guard(4000));
            for (Side side : new Side[] {window.nurse(), window.specialist()}) {
                assertThat(side.videoPacketsSent()).as("video packets sent once audio only; " + side.videoSending())
                        .isLessThanOrEqualTo(0);
                assertThat(side.audioPacketsPerSecond()).as("audio packets/s on EDGE").isGreaterThanOrEqualTo(40);
                assertThat(side.concealmentPercent()).as("concealment on EDGE").isLessThanOrEqualTo(guard(10.0));
            }
            // Audio alone, capped for a poor link, fits the 60 kbit/s EDGE link (about 43 kbit/s, median of
            // bench-netlab.sh; a single run on a busy machine has read 50.3, so the run checks the link itself).
            assertThat(up.offeredUdpKbps()).as("what the nurse puts on the link").isLessThan(60);
            assertThat(down.offeredUdpKbps()).as("what is sent towards the nurse").isLessThan(60);
            hangUp(nurse, specialist);
        }
    }

    @Test
    void whenEdgeTurnsInto4gVideoComesBack() throws Exception {
        try (BrowserSession specialist = specialistOnThisMachine(); BrowserSession nurse = nurseInTheLab();
             AutoCloseable cleanUp = () -> endCleanly(nurse, specialist)) {
            videoCallThenEdge(nurse, specialist, "Zahra Amellal");
            whenBoth(nurse, specialist, Duration.ofSeconds(20), "audio only", MediaSample::audioOnly);
            Thread.sleep(10_000);

            long nurseFrames = sample(nurse).framesDecoded();
            long specialistFrames = sample(specialist).framesDecoded();
            long improved = System.currentTimeMillis();
            link("4g");
            long videoBack = whenBoth(nurse, specialist, Duration.ofMillis(guard(20_000) + 5000), "video decoded again",
                    s -> !s.audioOnly() && s.framesDecoded() > nurseFrames + 2,
                    s -> !s.audioOnly() && s.framesDecoded() > specialistFrames + 2);
            Long decidedByNurse = sample(nurse).timelineValue("videoBackAt");
            Long decidedBySpecialist = sample(specialist).timelineValue("videoBackAt");
            report("edge-to-4g", "video back " + (videoBack - improved) + " ms after EDGE turned into 4G (turned on "
                    + (decidedByNurse - improved) + " ms after by the nurse, " + (decidedBySpecialist - improved) + " ms by the specialist)");
            result("edge-to-4g", "videoBackMs", videoBack - improved);
            if (videoBack - improved > 20_000) {
                System.out.println("netlab edge-to-4g, the nurse's link second by second: "
                        + nurse.script("return JSON.stringify(window.tabibDiagnostics.call.recent.slice(-40));"));
                System.out.println("netlab edge-to-4g, the specialist's: "
                        + specialist.script("return JSON.stringify(window.tabibDiagnostics.call.recent.slice(-40));"));
            }

            assertThat(videoBack - improved).as("time until video is back").isLessThanOrEqualTo(guard(20_000));
            assertThat(nurse.driver().findElements(By.cssSelector("#call.audio-only"))).isEmpty();
            hangUp(nurse, specialist);
        }
    }

    @Test
    void aTenSecondBlackoutIsShownAsInterruptedAndAudioReturnsWithTheLink() throws Exception {
        try (BrowserSession specialist = specialistOnThisMachine(); BrowserSession nurse = nurseInTheLab();
             AutoCloseable cleanUp = () -> endCleanly(nurse, specialist)) {
            startCall(nurse, specialist, "Moha Ouchen", "4g");
            awaitConnected(nurse, specialist, CALL_WAIT);
            Thread.sleep(5000);

            long cut = System.currentTimeMillis();
            link("blackout");
            whenBoth(nurse, specialist, Duration.ofSeconds(8), "interrupted shown", s -> "interrupted".equals(s.level()));
            assertThat(nurse.waitFor("#link-interrupted").getText()).isNotBlank();
            assertThat(specialist.waitFor("#link-interrupted").getText()).isNotBlank();
            long nurseShown = sample(nurse).timelineValue("interruptedAt");
            long specialistShown = sample(specialist).timelineValue("interruptedAt");
            Thread.sleep(Math.max(0, cut + 10_000 - System.currentTimeMillis()));

            long nurseAudio = sample(nurse).audioPackets();
            long specialistAudio = sample(specialist).audioPackets();
            long restored = System.currentTimeMillis();
            link("4g");
            long audioBack = whenBoth(nurse, specialist, Duration.ofSeconds(15), "audio back",
                    s -> s.audioPackets() > nurseAudio + 5, s -> s.audioPackets() > specialistAudio + 5);
            report("blackout-10s", String.format("interrupted shown after %d ms (nurse) and %d ms (specialist); audio back %d ms after the link",
                    nurseShown - cut, specialistShown - cut, audioBack - restored));
            result("blackout-10s", "interruptedShownMs", Math.max(nurseShown, specialistShown) - cut,
                    "audioBackMs", audioBack - restored);

            assertThat(Math.max(nurseShown, specialistShown) - cut).as("time until interrupted is shown").isLessThanOrEqualTo(guard(3000));
            assertThat(audioBack - restored).as("time until audio is back").isLessThanOrEqualTo(guard(2000));
            nurse.waitUntil("interruption banner gone", Duration.ofSeconds(10),
                    b -> !b.driver().findElement(By.id("link-interrupted")).isDisplayed());
            hangUp(nurse, specialist);
        }
    }

    @Test
    void afterAFortySecondBlackoutTheCallComesBackWithoutAnyoneTouchingIt() throws Exception {
        try (BrowserSession specialist = specialistOnThisMachine(); BrowserSession nurse = nurseInTheLab();
             AutoCloseable cleanUp = () -> endCleanly(nurse, specialist)) {
            startCall(nurse, specialist, "Itto Zaid", "4g");
            awaitConnected(nurse, specialist, CALL_WAIT);
            Thread.sleep(5000);

            link("blackout");
            Thread.sleep(40_000);
            long nurseAudio = sample(nurse).audioPackets();
            long specialistAudio = sample(specialist).audioPackets();
            long restored = System.currentTimeMillis();
            link("4g");
            long back = whenBoth(nurse, specialist, Duration.ofSeconds(30), "call back",
                    s -> "connected".equals(s.state()) && s.signalReady() && s.audioPackets() > nurseAudio + 5,
                    s -> "connected".equals(s.state()) && s.signalReady() && s.audioPackets() > specialistAudio + 5);
            report("blackout-40s", "call back " + (back - restored) + " ms after the link returned");
            result("blackout-40s", "callBackMs", back - restored);

            assertThat(back - restored).as("time until the call is back").isLessThanOrEqualTo(guard(5000));
            assertThat(nurse.driver().findElements(By.id("call"))).hasSize(1);
            assertThat(specialist.driver().findElements(By.cssSelector("#call .call-main.ended"))).isEmpty();
            hangUp(nurse, specialist);
        }
    }

    @Test
    void behindAFirewallThatBlocksUdpTheCallGoesThroughTurnOverTcpAndRenewsItsCredentialsBeforeTheyExpire()
            throws Exception {
        callThroughTheFirewall(TURN == null ? 0 : TURN.port, "tcp", true);
    }

    @Test
    void behindAFirewallThatBlocksUdpTheCallGoesThroughTurnOverTls() throws Exception {
        callThroughTheFirewall(TURN == null ? 0 : TURN.tlsPort, "tls", false);
    }

    @Test
    void thePreCallCheckTellsWhichNetworkPathsGetThrough() throws Exception {
        assumeTrue(TURN != null, "coturn is not installed; skipped");
        try (BrowserSession nurse = nurseInTheLab(); AutoCloseable cleanUp = () -> endCleanly(nurse, null)) {
            nurse.signIn("nurse1", "fr");
            LAB.openPorts(Set.of(port, signaling.boundPort(), TURN.tlsPort));
            link("udp-blocked");
            nurse.click("#run-precheck");
            nurse.waitUntil("paths checked", Duration.ofSeconds(30), b -> "ok".equals(b.attribute("[data-check=turnTls]", "data-ok")));
            assertThat(nurse.attribute("[data-check=udp]", "data-ok")).isEqualTo("fail");
            assertThat(nurse.attribute("[data-check=turnUdp]", "data-ok")).isEqualTo("fail");
            assertThat(nurse.driver().findElement(By.cssSelector("#precheck .advice")).getAttribute("innerHTML"))
                    .contains("advice.udpBlockedRelayWorks");

            link("4g");
            nurse.click("#run-precheck");
            nurse.waitUntil("paths checked again", Duration.ofSeconds(30),
                    b -> "ok".equals(b.attribute("[data-check=udp]", "data-ok")));
            assertThat(nurse.attribute("[data-check=turnUdp]", "data-ok")).isEqualTo("ok");
            assertThat(nurse.attribute("[data-check=turnTls]", "data-ok")).isEqualTo("ok");
        }
    }

    private void callThroughTheFirewall(int turnPort, String relayProtocol, boolean untilCredentialsRenew) throws Exception {
        assumeTrue(TURN != null, "coturn is not installed; skipped");
        LAB.openPorts(Set.of(port, signaling.boundPort(), turnPort));
        try (BrowserSession specialist = specialistOnThisMachine(); BrowserSession nurse = nurseInTheLab();
             AutoCloseable cleanUp = () -> endCleanly(nurse, specialist)) {
            // A patient of her own per relay: the same name and birth year twice in a dispensary is a likely duplicate.
            long accepted = startCall(nurse, specialist, "tls".equals(relayProtocol) ? "Mamma Ait Lhaj" : "Fadma Ait Lhaj",
                    "udp-blocked");
            long connected = awaitConnected(nurse, specialist, CALL_WAIT);
            Thread.sleep(4000);
            MediaSample path = sample(nurse);
            Window window = measure(nurse, specialist, Duration.ofSeconds(8));
            report("udp-blocked, TURN/" + relayProtocol, "connected in " + (connected - accepted) + " ms through "
                    + path.localCandidate() + "/" + path.relayProtocol() + "; " + window);
            result("udp-blocked-turn-" + relayProtocol, "setupMs", connected - accepted, window);

            assertThat(path.localCandidate()).as("the nurse's side of the path").isEqualTo("relay");
            assertThat(path.relayProtocol()).as("how the nurse reaches the relay").isEqualTo(relayProtocol);
            assertThat(window.nurse().audioPacketsPerSecond()).isGreaterThanOrEqualTo(40);
            assertThat(window.specialist().audioPacketsPerSecond()).isGreaterThanOrEqualTo(40);
            if (untilCredentialsRenew) {
                // Credentials of 5 minutes are renewed after a minute (five minutes ahead, at the earliest after one).
                String before = turnUsername(nurse);
                whenBoth(nurse, specialist, Duration.ofSeconds(120), "TURN credentials renewed",
                        s -> s.timelineValue("credentialsRefreshedAt") != null);
                Thread.sleep(5000);
                MediaSample after = sample(nurse);
                Window renewed = measure(nurse, specialist, Duration.ofSeconds(5));
                report("udp-blocked, TURN/" + relayProtocol, "credentials renewed, then " + renewed);
                assertThat(turnUsername(nurse)).isNotEqualTo(before);
                assertThat(after.localCandidate()).isEqualTo("relay");
                assertThat(after.state()).isEqualTo("connected");
                assertThat(renewed.nurse().audioPacketsPerSecond()).isGreaterThanOrEqualTo(40);
                assertThat(renewed.specialist().audioPacketsPerSecond()).isGreaterThanOrEqualTo(40);
            }
            hangUp(nurse, specialist);
        }
    }

    private static String turnUsername(BrowserSession browser) {
        return (String) browser.script("return window.tabibDiagnostics.call.iceServers"
                + ".map((s) => s.username).find(Boolean);");
    }

    /** A video call on good 4G, then the link turns into EDGE; returns when it did. */
    private long videoCallThenEdge(BrowserSession nurse, BrowserSession specialist, String patient) throws InterruptedException {
        startCall(nurse, specialist, patient, "4g");
        awaitConnected(nurse, specialist, CALL_WAIT);
        whenBoth(nurse, specialist, Duration.ofSeconds(30), "video decoded", s -> s.framesDecoded() > 30);
        long degraded = System.currentTimeMillis();
        link("edge");
        return degraded;
    }

    private static void report(String profile, String line) {
        System.out.println("netlab " + profile + ": " + line);
    }
}
