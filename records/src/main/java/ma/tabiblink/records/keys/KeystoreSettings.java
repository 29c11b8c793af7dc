package ma.tabiblink.records.keys;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the key-encryption keys live and how their passphrase is obtained.
 *
 * @param keystoreFile   the BCFKS keystore file
 * @param passphrase     the passphrase itself (from {@code TABIB_RECORDS_KEYSTORE_PASSPHRASE}), or {@code null}
 * @param passphraseFile a file holding the passphrase (from {@code TABIB_RECORDS_KEYSTORE_PASSPHRASE_FILE}), or {@code null}
 * @param demo           demo mode: a missing keystore and passphrase file are generated on first run
 */
public record KeystoreSettings(Path keystoreFile, String passphrase, Path passphraseFile, boolean demo) {

    public static final String KEYSTORE_FILE_NAME = "records-keystore.bcfks";
    public static final String DEMO_PASSPHRASE_FILE_NAME = "records-keystore.pass";

    public KeystoreSettings {
        Objects.requireNonNull(keystoreFile, "keystoreFile");
        if (passphrase != null && passphrase.isBlank()) {
            passphrase = null;
        }
    }

    /** The default layout: {@code <dataDir>/keys/records-keystore.bcfks}, demo passphrase file beside it. */
    public static KeystoreSettings inDataDir(Path dataDir, String passphrase, Path passphraseFile, boolean demo) {
        Path keys = dataDir.resolve("keys");
        Path file = passphraseFile;
        if (file == null && passphrase == null && demo) {
            file = keys.resolve(DEMO_PASSPHRASE_FILE_NAME);
        }
        return new KeystoreSettings(keys.resolve(KEYSTORE_FILE_NAME), passphrase, file, demo);
    }
}
