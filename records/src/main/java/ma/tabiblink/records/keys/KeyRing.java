package ma.tabiblink.records.keys;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.Enumeration;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import ma.tabiblink.records.RecordsError;
import ma.tabiblink.records.RecordsException;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The key-encryption keys (KEKs), by version, in a BouncyCastle BCFKS keystore protected by a passphrase, plus two
 * fixed keys: the lookup key (keyed hashes of national IDs) and the audit key (MAC of the audit chain).
 * The file is re-read whenever it changes on disk, so a rotation done by the operator command while the server runs
 * is picked up before the next data key is wrapped.
 */
public final class KeyRing {

    public static final String KEY_ID = "tl-records-kek";
    private static final String KEK_ALIAS_PREFIX = "kek-v";
    private static final String LOOKUP_ALIAS = "lookup-hmac";
    private static final String AUDIT_ALIAS = "audit-hmac";
    private static final String STORE_TYPE = "BCFKS";

    private final Path file;
    private final char[] passphrase;
    private final BouncyCastleProvider provider = new BouncyCastleProvider();
    private volatile Loaded loaded;

    private record Loaded(NavigableMap<Integer, SecretKey> keks, SecretKey lookup, SecretKey audit,
                          long modified, long size) {
    }

    private KeyRing(Path file, char[] passphrase) {
        this.file = file;
        this.passphrase = passphrase;
    }

    /**
     * Opens the keystore. In demo mode a missing keystore (and its passphrase file) is generated; otherwise a missing
     * keystore or passphrase is a {@link RecordsError#KEYSTORE_UNAVAILABLE} error explaining what to set.
     */
    public static KeyRing open(KeystoreSettings settings) {
        boolean exists = Files.exists(settings.keystoreFile());
        char[] pass = resolvePassphrase(settings, exists);
        KeyRing ring = new KeyRing(settings.keystoreFile(), pass);
        if (!exists) {
            if (!settings.demo()) {
                throw new RecordsException(RecordsError.KEYSTORE_UNAVAILABLE,
                        "Records keystore " + settings.keystoreFile() + " does not exist; create it with `keys init`"
                                + " (the passphrase comes from TABIB_RECORDS_KEYSTORE_PASSPHRASE or"
                                + " TABIB_RECORDS_KEYSTORE_PASSPHRASE_FILE)");
            }
            ring.create();
        }
        ring.reloadIfChanged();
        return ring;
    }

    /** Creates a new keystore (operator command {@code keys init}); refuses to overwrite an existing one. */
    public static KeyRing initialise(KeystoreSettings settings) {
        if (Files.exists(settings.keystoreFile())) {
            throw new RecordsException(RecordsError.KEY_IN_USE,
                    "Records keystore " + settings.keystoreFile() + " already exists; it is never overwritten");
        }
        KeyRing ring = new KeyRing(settings.keystoreFile(), resolvePassphrase(settings, false));
        ring.create();
        ring.reloadIfChanged();
        return ring;
    }

    /** Shortest passphrase accepted outside demo mode: the keystore is the only lock on every note. */
    public static final int MIN_PASSPHRASE_LENGTH = 20;

    private static char[] resolvePassphrase(KeystoreSettings s, boolean keystoreExists) {
        char[] passphrase = readPassphrase(s, keystoreExists);
        if (!s.demo() && passphrase.length < MIN_PASSPHRASE_LENGTH) {
            throw new RecordsException(RecordsError.KEYSTORE_UNAVAILABLE,
                    "The records keystore passphrase is too short (" + passphrase.length + " characters): use at least "
                            + MIN_PASSPHRASE_LENGTH + ", e.g. `openssl rand -base64 33` into the file named by"
                            + " TABIB_RECORDS_KEYSTORE_PASSPHRASE_FILE");
        }
        return passphrase;
    }

    private static char[] readPassphrase(KeystoreSettings s, boolean keystoreExists) {
        if (s.passphrase() != null) {
            return s.passphrase().toCharArray();
        }
        Path pf = s.passphraseFile();
        if (pf == null) {
            throw new RecordsException(RecordsError.KEYSTORE_UNAVAILABLE,
                    "No records keystore passphrase: set TABIB_RECORDS_KEYSTORE_PASSPHRASE or"
                            + " TABIB_RECORDS_KEYSTORE_PASSPHRASE_FILE");
        }
        try {
            if (!Files.exists(pf) && s.demo() && !keystoreExists) {
                writeDemoPassphrase(pf);
            }
            String text = Files.readString(pf, StandardCharsets.UTF_8).strip();
            if (text.isEmpty()) {
                throw new RecordsException(RecordsError.KEYSTORE_UNAVAILABLE, "Passphrase file " + pf + " is empty");
            }
            return text.toCharArray();
        } catch (IOException e) {
            throw new RecordsException(RecordsError.KEYSTORE_UNAVAILABLE,
                    "Cannot read the records keystore passphrase file " + pf + ": " + e.getMessage(), e);
        }
    }

    private static void writeDemoPassphrase(Path pf) throws IOException {
        Files.createDirectories(pf.toAbsolutePath().getParent());
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        String text = Base64.getUrlEncoder().withoutPadding().encodeToString(secret) + "\n";
        try {
            Files.createFile(pf, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(pf);
        } catch (FileAlreadyExistsException e) {
            return;
        }
        Files.writeString(pf, text, StandardCharsets.UTF_8);
    }

    public String keyId() {
        return KEY_ID;
    }

    /** The version new data keys are wrapped with. */
    public int currentVersion() {
        return current().keks().lastKey();
    }

    public NavigableSet<Integer> versions() {
        return Collections.unmodifiableNavigableSet(new TreeSet<>(current().keks().keySet()));
    }

    SecretKey kek(int version) {
        SecretKey key = current().keks().get(version);
        if (key == null) {
            throw new RecordsException(RecordsError.KEY_UNAVAILABLE,
                    "Key-encryption key " + KEY_ID + " version " + version + " is not in the keystore");
        }
        return key;
    }

    /** Key of the keyed hashes that make national IDs and insurance numbers searchable. */
    public SecretKey lookupKey() {
        return current().lookup();
    }

    /** Key of the audit chain's MACs. */
    public SecretKey auditKey() {
        return current().audit();
    }

    /** Adds a new KEK version and makes it current; returns the new version. */
    public synchronized int rotate() {
        reloadIfChanged();
        KeyStore ks = readStore();
        int next = loaded.keks().lastKey() + 1;
        putKey(ks, KEK_ALIAS_PREFIX + next, newAesKey());
        writeStore(ks);
        reloadIfChanged();
        return next;
    }

    /** Destroys a KEK version. Callers check first that no data key is wrapped by it; the current one is kept. */
    public synchronized void retire(int version) {
        reloadIfChanged();
        if (version == loaded.keks().lastKey()) {
            throw new RecordsException(RecordsError.KEY_IN_USE, "The current key version " + version + " cannot be retired");
        }
        KeyStore ks = readStore();
        try {
            ks.deleteEntry(KEK_ALIAS_PREFIX + version);
        } catch (GeneralSecurityException e) {
            throw unavailable("cannot remove key version " + version, e);
        }
        writeStore(ks);
        reloadIfChanged();
    }

    private Loaded current() {
        reloadIfChanged();
        return loaded;
    }

    private void reloadIfChanged() {
        long modified;
        long size;
        try {
            modified = Files.getLastModifiedTime(file).toMillis();
            size = Files.size(file);
        } catch (IOException e) {
            if (loaded != null) {
                return;
            }
            throw unavailable("cannot read " + file, e);
        }
        Loaded l = loaded;
        if (l != null && l.modified() == modified && l.size() == size) {
            return;
        }
        synchronized (this) {
            KeyStore ks = readStore();
            NavigableMap<Integer, SecretKey> keks = new TreeMap<>();
            SecretKey lookup = null;
            SecretKey audit = null;
            try {
                Enumeration<String> aliases = ks.aliases();
                while (aliases.hasMoreElements()) {
                    String alias = aliases.nextElement();
                    SecretKey key = (SecretKey) ks.getKey(alias, passphrase);
                    SecretKey aes = new SecretKeySpec(key.getEncoded(), "AES");
                    if (alias.startsWith(KEK_ALIAS_PREFIX)) {
                        keks.put(Integer.parseInt(alias.substring(KEK_ALIAS_PREFIX.length())), aes);
                    } else if (alias.equals(LOOKUP_ALIAS)) {
                        lookup = aes;
                    } else if (alias.equals(AUDIT_ALIAS)) {
                        audit = aes;
                    }
                }
            } catch (GeneralSecurityException | NumberFormatException e) {
                throw unavailable("unreadable entry in " + file, e);
            }
            if (keks.isEmpty() || lookup == null || audit == null) {
                throw new RecordsException(RecordsError.KEYSTORE_UNAVAILABLE,
                        "Records keystore " + file + " is incomplete (needs kek-v*, lookup-hmac and audit-hmac)");
            }
            loaded = new Loaded(Collections.unmodifiableNavigableMap(keks), lookup, audit, modified, size);
        }
    }

    private void create() {
        try {
            KeyStore ks = KeyStore.getInstance(STORE_TYPE, provider);
            ks.load(null, null);
            putKey(ks, KEK_ALIAS_PREFIX + 1, newAesKey());
            putKey(ks, LOOKUP_ALIAS, newAesKey());
            putKey(ks, AUDIT_ALIAS, newAesKey());
            writeStore(ks);
        } catch (GeneralSecurityException | IOException e) {
            throw unavailable("cannot create " + file, e);
        }
    }

    private KeyStore readStore() {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance(STORE_TYPE, provider);
            ks.load(in, passphrase);
            return ks;
        } catch (IOException e) {
            throw new RecordsException(RecordsError.KEYSTORE_UNAVAILABLE,
                    "Cannot open the records keystore " + file + " (wrong passphrase or damaged file)", e);
        } catch (GeneralSecurityException e) {
            throw unavailable("cannot open " + file, e);
        }
    }

    private void writeStore(KeyStore ks) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "records-keystore", ".tmp");
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // Non-POSIX file systems keep their default permissions.
            }
            try (OutputStream out = Files.newOutputStream(tmp)) {
                ks.store(out, passphrase);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | GeneralSecurityException e) {
            throw unavailable("cannot write " + file, e);
        }
    }

    private void putKey(KeyStore ks, String alias, SecretKey key) {
        try {
            ks.setEntry(alias, new KeyStore.SecretKeyEntry(key), new KeyStore.PasswordProtection(passphrase));
        } catch (GeneralSecurityException e) {
            throw unavailable("cannot store " + alias, e);
        }
    }

    private static SecretKey newAesKey() {
        try {
            KeyGenerator gen = KeyGenerator.getInstance("AES");
            gen.init(256, new SecureRandom());
            return gen.generateKey();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256 is not available in this JDK", e);
        }
    }

    private RecordsException unavailable(String what, Exception e) {
        return new RecordsException(RecordsError.KEYSTORE_UNAVAILABLE, "Records keystore: " + what, e);
    }
}
