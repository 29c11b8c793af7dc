package ma.tabiblink.web.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.util.Set;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;

import ma.tabiblink.web.config.StartupException;

/** The EC P-256 key (a JWK file) that signs access tokens; every web and signalling node reads the same file. */
public final class SigningKeyFile {

    /**
     * Key ids of signing keys that were once published (committed to the source repository): anyone can mint tokens
     * with them, so they are refused wherever they turn up.
     */
    static final Set<String> PUBLISHED_KEY_IDS = Set.of("6232968d-89b5-43ae-9162-a4699384352d");

    private SigningKeyFile() {
    }

    public static ECKey load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new StartupException("The access-token signing key " + file + " does not exist. Create it once with "
                    + "'java -jar tabib-link.jar token-key " + file + "' and give every node the same file "
                    + "(TABIB_TOKEN_KEY_FILE).");
        }
        try {
            ECKey key = ECKey.parse(Files.readString(file));
            if (!key.isPrivate()) {
                throw new StartupException("The access-token key " + file + " holds no private key.");
            }
            if (PUBLISHED_KEY_IDS.contains(key.getKeyID())) {
                throw new StartupException("The access-token key " + file + " (kid " + key.getKeyID() + ") was "
                        + "published in the source repository: anyone can sign tokens with it. Delete the file and "
                        + "create a new key with 'java -jar tabib-link.jar token-key " + file + "' (in demo mode a new "
                        + "one is generated on the next start); every token signed with the old key stops working.");
            }
            return key;
        } catch (IOException | ParseException e) {
            throw new StartupException("The access-token key " + file + " cannot be read as an EC JWK: " + e.getMessage());
        }
    }

    public static ECKey loadOrCreate(Path file) {
        if (!Files.exists(file)) {
            create(file);
        }
        return load(file);
    }

    public static void create(Path file) {
        try {
            ECKey key = new ECKeyGenerator(Curve.P_256)
                    .keyUse(KeyUse.SIGNATURE)
                    .keyID(UUID.randomUUID().toString())
                    .generate();
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "access-token", ".tmp");
            setOwnerOnly(tmp);
            Files.writeString(tmp, key.toJSONString());
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | JOSEException e) {
            throw new StartupException("Could not create the access-token key " + file + ": " + e.getMessage(), e);
        }
    }

    private static void setOwnerOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Non-POSIX file systems keep their default permissions.
        }
    }
}
