package ma.tabiblink.web.signaling;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

import javax.crypto.SecretKey;

import ma.tabiblink.signaling.cluster.StateCipher;
import ma.tabiblink.web.config.StartupException;

/**
 * The AES-256 key that seals what signalling nodes keep in Redis (chief complaints, messages stored for a
 * reconnecting client or passed between nodes): 32 random bytes, base64, in a file readable by its owner only.
 * Every signalling node of a deployment reads the same file.
 */
public final class SignalingStateKeyFile {

    static final String DEFAULT_NAME = "signaling-state.key";

    private SignalingStateKeyFile() {
    }

    public static SecretKey load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new StartupException("The signalling state key " + file + " does not exist. Create it once with "
                    + "'java -jar tabib-link.jar signaling-key " + file + "' and give every node the same file "
                    + "(TABIB_SIGNALING_STATE_KEY_FILE).");
        }
        try {
            return StateCipher.key(Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip()));
        } catch (IOException | IllegalArgumentException e) {
            throw new StartupException("The signalling state key " + file + " cannot be read as 32 bytes of base64: "
                    + e.getMessage());
        }
    }

    public static SecretKey loadOrCreate(Path file) {
        if (!Files.exists(file)) {
            create(file);
        }
        return load(file);
    }

    public static void create(Path file) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "signaling-state", ".tmp");
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // Non-POSIX file systems keep their default permissions.
            }
            Files.writeString(tmp, Base64.getEncoder().encodeToString(StateCipher.generateKey().getEncoded()) + "\n",
                    StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new StartupException("Could not create the signalling state key " + file + ": " + e.getMessage(), e);
        }
    }
}
