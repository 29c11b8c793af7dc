package ma.tabiblink.web.signaling;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.springframework.core.env.Environment;

import ma.tabiblink.signaling.video.JitsiConfig;
import ma.tabiblink.signaling.video.VideoConfig;
import ma.tabiblink.web.config.StartupException;

/** Reads the STUN/TURN and Jitsi settings from the environment into the signalling module's {@link VideoConfig}. */
final class VideoSettings {

    private VideoSettings() {
    }

    static VideoConfig from(Environment env) {
        VideoConfig video = VideoConfig.stunOnly(VideoConfig.parseUrlList(env.getProperty("tabib.video.stun-urls", "")))
                .withTurnCredentialTtl(env.getProperty("tabib.video.turn-credential-ttl", Duration.class, VideoConfig.DEFAULT_TURN_TTL))
                .withIceTransportPolicy(env.getProperty("tabib.video.ice-transport-policy", VideoConfig.ICE_POLICY_ALL));
        String turnUrls = env.getProperty("tabib.video.turn-urls", "");
        String turnSecret = env.getProperty("tabib.video.turn-secret", "");
        if (!turnUrls.isBlank() || !turnSecret.isBlank()) {
            video = video.withTurn(VideoConfig.parseUrlList(turnUrls), turnSecret);
        }
        String jitsiUrl = env.getProperty("tabib.jitsi.url", "");
        if (!jitsiUrl.isBlank()) {
            video = video.withJitsi(jitsi(env, URI.create(jitsiUrl)));
        }
        return video;
    }

    private static JitsiConfig jitsi(Environment env, URI url) {
        String appId = env.getProperty("tabib.jitsi.app-id", "");
        String secret = env.getProperty("tabib.jitsi.secret", "");
        String keyFile = env.getProperty("tabib.jitsi.private-key-file", "");
        JitsiConfig jitsi;
        if (!keyFile.isBlank()) {
            try {
                jitsi = JitsiConfig.rs256(url, appId, JitsiConfig.readRsaPrivateKeyPem(Files.readString(Path.of(keyFile))),
                        env.getProperty("tabib.jitsi.key-id", ""));
            } catch (IOException e) {
                throw new StartupException("TABIB_JITSI_PRIVATE_KEY_FILE " + keyFile + " cannot be read: " + e.getMessage());
            }
        } else {
            jitsi = JitsiConfig.hs256(url, appId, secret);
        }
        String audience = env.getProperty("tabib.jitsi.audience", "");
        String subject = env.getProperty("tabib.jitsi.subject", "");
        if (!audience.isBlank()) {
            jitsi = jitsi.withAudience(audience);
        }
        if (!subject.isBlank()) {
            jitsi = jitsi.withSubject(subject);
        }
        return jitsi;
    }
}
