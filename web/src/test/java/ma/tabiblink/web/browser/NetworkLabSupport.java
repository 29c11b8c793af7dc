package ma.tabiblink.web.browser;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.junit.jupiter.api.BeforeAll;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;

import ma.tabiblink.ops.netlab.LinkProfile;
import ma.tabiblink.ops.netlab.LinkProfiles;
import ma.tabiblink.ops.netlab.NetworkLab;
import ma.tabiblink.web.signaling.EmbeddedSignaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Calls between a nurse whose browser sits in the network lab, behind an emulated dispensary link, and a specialist
 * whose browser, like the server, is on this machine's own network. The server listens on the lab's host address;
 * both browsers are Debian's Chromium with a fake camera and a microphone that plays continuous speech-like sound.
 * Each subclass has its own lab and its own server (with or without a TURN relay).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
abstract class NetworkLabSupport {

    static final LinkProfiles PROFILES = LinkProfiles.load();
    static final Duration LAB_LIFETIME = Duration.ofMinutes(30);
    static final Duration CALL_WAIT = Duration.ofSeconds(60);

    /**
     * What one test run may show against a requirement of the network issue. The requirement itself (connects within
     * 6 s, audio only within 4 s, ...) is a benchmark goal: ops/scripts/bench-netlab.sh checks it on the median of
     * several runs. One run shares two cores with two Chromiums, the server, the link emulator and whatever else the
     * machine builds, and has missed a 6 s goal by 26 ms with nothing wrong in the product. A single test fails at
     * twice the requirement, which is what a real regression looks like (no audio only, no resume, a stuck ICE).
     */
    static long guard(long requirement) {
        return 2 * requirement;
    }

    static double guard(double requirement) {
        return 2 * requirement;
    }

    /** Figures of one browser's side of the call, read from getStats() and the call's own record. */
    static final String MEDIA_SAMPLE = """
            const done = arguments[arguments.length - 1];
            const call = window.tabibDiagnostics.call;
            call.stats().then((report) => {
              if (!report) { done(null); return; }
              const r = { now: Date.now(), state: call.state, audioPackets: 0, audioBySsrc: {}, concealed: 0, samples: 0,
                          framesDecoded: 0, videoPacketsSent: 0, videoSentBySsrc: {}, videoBytesSent: 0, audioBytesSent: 0, local: null, relayProtocol: null };
              let pairId = null;
              report.forEach((s) => { if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId; });
              report.forEach((s) => {
                if (s.type === 'inbound-rtp' && s.kind === 'audio') {
                  r.audioPackets += s.packetsReceived || 0; r.audioBySsrc[String(s.ssrc)] = s.packetsReceived || 0; r.concealed += s.concealedSamples || 0; r.samples += s.totalSamplesReceived || 0;
                } else if (s.type === 'inbound-rtp' && s.kind === 'video') {
                  r.framesDecoded += s.framesDecoded || 0;
                } else if (s.type === 'outbound-rtp' && s.kind === 'audio') {
                  r.audioBytesSent += (s.bytesSent || 0) + (s.headerBytesSent || 0);
                } else if (s.type === 'outbound-rtp' && s.kind === 'video') {
                  r.videoPacketsSent += s.packetsSent || 0; r.videoBytesSent += s.bytesSent || 0;
                  r.videoSentBySsrc[String(s.ssrc)] = { packets: s.packetsSent || 0, bytes: s.bytesSent || 0, active: s.active };
                }
              });
              const pair = pairId && report.get(pairId);
              const local = pair && report.get(pair.localCandidateId);
              if (local) { r.local = local.candidateType; r.relayProtocol = local.relayProtocol || null; }
              const q = call.quality || {};
              r.level = q.level || null;
              r.mos = q.inbound && q.inbound.mos !== undefined ? q.inbound.mos : null;
              r.audioOnly = call.audioOnly;
              r.videoDirection = call.videoDirection;
              r.timeline = call.timeline;
              r.signalReady = window.tabibDiagnostics.signal.ready;
              done(r);
            }, () => done(null));
            """;

    static Path nurseMicrophone;
    static Path specialistMicrophone;

    @LocalServerPort
    int port;

    @Autowired
    EmbeddedSignaling signaling;

    /** Starts a lab on good 4G (pages load fast; each test then sets the link it is about). */
    static NetworkLab startLab() {
        String reason = NetworkLab.unavailableReason();
        if (reason != null || !Files.isExecutable(BrowserSession.CHROMIUM)) {
            return null;
        }
        try {
            return NetworkLab.start(PROFILES.profile("4g"), LAB_LIFETIME);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void serverInTheLab(DynamicPropertyRegistry registry, NetworkLab lab) {
        Path data = tempDir("tabib-lab-data");
        registry.add("tabib.demo", () -> "true");
        registry.add("tabib.data-dir", data::toString);
        registry.add("server.address", lab::hostAddress);
        registry.add("tabib.signaling.host", lab::hostAddress);
        registry.add("tabib.signaling.port", () -> "0");
        registry.add("tabib.tls.enabled", () -> "false");
    }

    static void requireLab(NetworkLab lab) {
        BrowserSession.assumeBrowserInstalled();
        assumeTrue(lab != null, "the network lab cannot run here (" + NetworkLab.unavailableReason() + "); skipped");
    }

    /** Two different voices: identical sound at both ends would look like echo to the echo canceller. */
    @BeforeAll
    static void writeFakeMicrophones() {
        if (nurseMicrophone == null) {
            Path dir = tempDir("tabib-lab-audio");
            nurseMicrophone = speechLikeWav(dir.resolve("nurse.wav"), 210, 4.0);
            specialistMicrophone = speechLikeWav(dir.resolve("specialist.wav"), 120, 3.1);
        }
    }

    abstract NetworkLab lab();

    String base() {
        return "http://" + lab().hostAddress() + ":" + port;
    }

    /** The TURN server's self-signed certificate, trusted by the lab's browsers (by its key, and only it). */
    String trustedTurnKeyHash() {
        return null;
    }

    /** The page is plain HTTP on a lab address: let it use camera and microphone as it would over HTTPS. */
    private List<String> browserArguments(Path microphone) {
        List<String> arguments = new java.util.ArrayList<>(List.of("--use-file-for-fake-audio-capture=" + microphone,
                "--unsafely-treat-insecure-origin-as-secure=" + base()));
        if (trustedTurnKeyHash() != null) {
            arguments.add("--ignore-certificate-errors-spki-list=" + trustedTurnKeyHash());
        }
        return arguments;
    }

    BrowserSession nurseInTheLab() throws IOException {
        return BrowserSession.openVia(base(), 800, 1280, lab().launcher(BrowserSession.CHROMIUM),
                browserArguments(nurseMicrophone));
    }

    BrowserSession specialistOnThisMachine() throws IOException {
        return BrowserSession.openWith(base(), 1280, 900, browserArguments(specialistMicrophone));
    }

    void link(String profile) {
        lab().apply(PROFILES.profile(profile));
    }

    LinkProfile profile(String name) {
        return PROFILES.profile(name);
    }

    /**
     * Signs both in (on the link the lab has now), makes the specialist available, has the nurse register a patient
     * and call cardiology, then switches the link to {@code duringCall} and has the specialist accept. Returns the
     * wall-clock time of the accept click; the call is then being set up over {@code duringCall}.
     */
    long startCall(BrowserSession nurse, BrowserSession specialist, String patient, String duringCall) {
        specialist.signIn("dr.cardio", "fr");
        // A session of an earlier page may still be resumable: the new one then starts with its status.
        specialist.waitUntil("presence known", b -> b.attribute("#presence", "data-status") != null);
        if (!"available".equals(specialist.attribute("#presence", "data-status"))) {
            specialist.click("#availability");
        }
        specialist.waitUntil("specialist available", b -> "available".equals(b.attribute("#presence", "data-status")));

        nurse.signIn("nurse1", "fr");
        nurse.click("details.register summary");
        nurse.waitFor("#register-patient input[name=fullName]").sendKeys(patient);
        nurse.script("document.querySelector('#register-patient input[name=birthDate]').value = '1979-05-02';");
        nurse.click("#register-patient input[name=consent]");
        nurse.click("#register-patient button[type=submit]");
        nurse.waitFor(".patient-chosen");
        link(duringCall);
        nurse.callSpecialty("cardiology");
        nurse.waitUntil("call queued", CALL_WAIT, b -> !b.driver().findElements(By.cssSelector("#waiting .queue-position")).isEmpty());
        specialist.waitUntil("call ringing", CALL_WAIT, b -> !b.driver().findElements(By.id("accept-call")).isEmpty());
        long acceptedAt = System.currentTimeMillis();
        specialist.click("#accept-call");
        return acceptedAt;
    }

    /** Waits until both sides' call says it connected; returns the later of the two connection times. */
    long awaitConnected(BrowserSession nurse, BrowserSession specialist, Duration timeout) {
        long[] at = new long[2];
        BrowserSession[] both = {nurse, specialist};
        for (int i = 0; i < 2; i++) {
            int side = i;
            both[i].waitUntil("call connected", timeout, b -> {
                MediaSample s = sample(b);
                if (s == null || s.timelineValue("connectedAt") == null) {
                    return false;
                }
                at[side] = s.timelineValue("connectedAt");
                return true;
            });
        }
        return Math.max(at[0], at[1]);
    }

    static MediaSample sample(BrowserSession browser) {
        Object raw = browser.driver().executeAsyncScript(MEDIA_SAMPLE);
        return raw instanceof Map<?, ?> map ? new MediaSample(map) : null;
    }

    /** What a side received and sent over {@code window}: audio packets per second, concealment, video frames. */
    static Window measure(BrowserSession nurse, BrowserSession specialist, Duration window) throws InterruptedException {
        MediaSample nurseBefore = sample(nurse);
        MediaSample specialistBefore = sample(specialist);
        Thread.sleep(window.toMillis());
        return new Window(Side.between(nurseBefore, sample(nurse)), Side.between(specialistBefore, sample(specialist)));
    }

    /**
     * Polls both sides until {@code condition} holds for each; returns the wall-clock time it first held on the side
     * that took longer.
     */
    static long whenBoth(BrowserSession nurse, BrowserSession specialist, Duration timeout, String what,
                         Predicate<MediaSample> condition) throws InterruptedException {
        return whenBoth(nurse, specialist, timeout, what, condition, condition);
    }

    static long whenBoth(BrowserSession nurse, BrowserSession specialist, Duration timeout, String what,
                         Predicate<MediaSample> nurseCondition, Predicate<MediaSample> specialistCondition)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        Long nurseAt = null;
        Long specialistAt = null;
        while (System.currentTimeMillis() < deadline && (nurseAt == null || specialistAt == null)) {
            if (nurseAt == null) {
                MediaSample s = sample(nurse);
                if (s != null && nurseCondition.test(s)) {
                    nurseAt = s.now();
                }
            }
            if (specialistAt == null) {
                MediaSample s = sample(specialist);
                if (s != null && specialistCondition.test(s)) {
                    specialistAt = s.now();
                }
            }
            Thread.sleep(50);
        }
        assertThat(nurseAt).as("nurse: " + what + " within " + timeout).isNotNull();
        assertThat(specialistAt).as("specialist: " + what + " within " + timeout).isNotNull();
        return Math.max(nurseAt, specialistAt);
    }

    static void hangUp(BrowserSession nurse, BrowserSession specialist) {
        nurse.click("#hangup");
        specialist.waitUntil("call ended for the specialist", CALL_WAIT,
                b -> !b.driver().findElements(By.cssSelector("#call .call-main.ended")).isEmpty()
                        || b.driver().findElements(By.cssSelector("#call")).isEmpty());
    }

    record MediaSample(Map<?, ?> raw) {
        long now() {
            return number("now").longValue();
        }

        String state() {
            return (String) raw.get("state");
        }

        long audioPackets() {
            return number("audioPackets").longValue();
        }

        long framesDecoded() {
            return number("framesDecoded").longValue();
        }

        long videoPacketsSent() {
            return number("videoPacketsSent").longValue();
        }

        boolean audioOnly() {
            return Boolean.TRUE.equals(raw.get("audioOnly"));
        }

        /** The negotiated direction of the video transceiver: inactive once audio only is renegotiated. */
        String videoDirection() {
            return (String) raw.get("videoDirection");
        }

        String level() {
            return (String) raw.get("level");
        }

        Double mos() {
            Number mos = (Number) raw.get("mos");
            return mos == null ? null : mos.doubleValue();
        }

        String localCandidate() {
            return (String) raw.get("local");
        }

        String relayProtocol() {
            return (String) raw.get("relayProtocol");
        }

        boolean signalReady() {
            return Boolean.TRUE.equals(raw.get("signalReady"));
        }

        Long timelineValue(String key) {
            Object timeline = raw.get("timeline");
            if (!(timeline instanceof Map<?, ?> map) || !(map.get(key) instanceof Number n)) {
                return null;
            }
            return n.longValue();
        }

        private Number number(String key) {
            return (Number) raw.get(key);
        }
    }

    /** One side's reception over a window. */
    record Side(double audioPacketsPerSecond, double concealmentPercent, double videoFps, long videoPacketsSent, Double mos,
                String videoSending) {
        static Side between(MediaSample before, MediaSample after) {
            double seconds = (after.now() - before.now()) / 1000.0;
            double samples = after.number("samples").doubleValue() - before.number("samples").doubleValue();
            double concealed = after.number("concealed").doubleValue() - before.number("concealed").doubleValue();
            return new Side(audioPacketsBetween(before, after) / seconds,
                    samples > 0 ? 100 * concealed / samples : 100,
                    (after.framesDecoded() - before.framesDecoded()) / seconds,
                    after.videoPacketsSent() - before.videoPacketsSent(), after.mos(),
                    String.format("audio sent %.1f kbit/s; ", 8 * (after.number("audioBytesSent").doubleValue()
                            - before.number("audioBytesSent").doubleValue()) / seconds / 1000)
                            + "video streams sent " + before.raw().get("videoSentBySsrc") + " (" + before.raw().get("videoDirection")
                            + ") then " + after.raw().get("videoSentBySsrc") + " (" + after.raw().get("videoDirection") + ")");
        }
    }

    /**
     * One machine-readable line of figures for ops/scripts/bench-netlab.sh: {@code netlab-result profile=… key=value…}.
     * {@code keyValues} alternate names and numbers; a {@link Window} adds its own figures.
     */
    static void result(String profile, Object... keyValues) {
        StringBuilder line = new StringBuilder("netlab-result profile=").append(profile);
        for (int i = 0; i < keyValues.length; i++) {
            if (keyValues[i] instanceof Window w) {
                line.append(w.fields());
            } else {
                Object value = keyValues[++i];
                line.append(' ').append(keyValues[i - 1]).append('=')
                        .append(value instanceof Double d ? String.format(java.util.Locale.ROOT, "%.2f", d) : value);
            }
        }
        System.out.println(line);
    }

    /** Audio packets received in between, per stream: a stream that appeared meanwhile does not bring its whole count. */
    private static long audioPacketsBetween(MediaSample before, MediaSample after) {
        Map<?, ?> then = (Map<?, ?>) before.raw().get("audioBySsrc");
        Map<?, ?> now = (Map<?, ?>) after.raw().get("audioBySsrc");
        long received = 0;
        for (Map.Entry<?, ?> stream : now.entrySet()) {
            if (then.get(stream.getKey()) instanceof Number earlier) {
                received += ((Number) stream.getValue()).longValue() - earlier.longValue();
            }
        }
        return received;
    }

    record Window(Side nurse, Side specialist) {
        String fields() {
            return String.format(java.util.Locale.ROOT,
                    " nurseAudioPps=%.1f nurseConcealedPct=%.2f nurseVideoFps=%.1f nurseMos=%.2f"
                            + " specialistAudioPps=%.1f specialistConcealedPct=%.2f specialistVideoFps=%.1f specialistMos=%.2f",
                    nurse.audioPacketsPerSecond(), nurse.concealmentPercent(), nurse.videoFps(),
                    nurse.mos() == null ? 0 : nurse.mos(), specialist.audioPacketsPerSecond(),
                    specialist.concealmentPercent(), specialist.videoFps(), specialist.mos() == null ? 0 : specialist.mos());
        }

        @Override
        public String toString() {
            return String.format("nurse receives %.1f audio packets/s, %.1f %% concealed, %.1f video fps, MOS %s; "
                            + "specialist receives %.1f audio packets/s, %.1f %% concealed, %.1f video fps, MOS %s",
                    nurse.audioPacketsPerSecond(), nurse.concealmentPercent(), nurse.videoFps(), mos(nurse.mos()),
                    specialist.audioPacketsPerSecond(), specialist.concealmentPercent(), specialist.videoFps(),
                    mos(specialist.mos()));
        }

        private static String mos(Double mos) {
            return mos == null ? "-" : String.format("%.2f", mos);
        }
    }

    /**
     * Ten seconds of a voiced, syllable-paced signal at 48 kHz (a voice at {@code pitchHz} with harmonics, its
     * loudness rising and falling {@code syllablesPerSecond} times a second but never silent), so that the microphone
     * is never quiet and packet rates measure the link, not silence suppression.
     */
    static Path speechLikeWav(Path file, double pitchHz, double syllablesPerSecond) {
        int rate = 48_000;
        int seconds = 10;
        ByteBuffer pcm = ByteBuffer.allocate(rate * seconds * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rate * seconds; i++) {
            double t = (double) i / rate;
            double envelope = 0.55 + 0.45 * Math.sin(2 * Math.PI * syllablesPerSecond * t);
            double voice = 0;
            for (int harmonic = 1; harmonic <= 12; harmonic++) {
                voice += Math.sin(2 * Math.PI * pitchHz * harmonic * t * (1 + 0.02 * Math.sin(2 * Math.PI * 0.5 * t))) / harmonic;
            }
            pcm.putShort((short) (envelope * voice * 6000));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer header = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        header.put("RIFF".getBytes()).putInt(36 + pcm.capacity()).put("WAVE".getBytes())
                .put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1).putInt(rate).putInt(rate * 2)
                .putShort((short) 2).putShort((short) 16)
                .put("data".getBytes()).putInt(pcm.capacity());
        out.writeBytes(header.array());
        out.writeBytes(pcm.array());
        try {
            Files.write(file, out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
