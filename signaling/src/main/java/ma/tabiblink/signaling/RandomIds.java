package ma.tabiblink.signaling;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Unguessable ids for sessions, calls and guests: a prefix saying what it names, then 96 random bits in hex. */
public final class RandomIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private RandomIds() {
    }

    public static String next(String prefix) {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return prefix + HexFormat.of().formatHex(b);
    }
}
