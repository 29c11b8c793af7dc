package ma.tabiblink.web.config;

import java.nio.file.Path;
import java.time.ZoneId;

/**
 * The few settings every part of the application shares.
 *
 * @param dataDir where embedded Redis, generated keys and certificates live
 * @param demo    demo mode: embedded Redis, demo accounts and data, self-generated keys
 * @param zone    the zone in which dates are shown and clinics are scheduled by default
 */
public record TabibSettings(Path dataDir, boolean demo, ZoneId zone) {

    public Path keysDir() {
        return dataDir.resolve("keys");
    }
}
