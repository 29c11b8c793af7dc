package ma.tabiblink.ops.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ops/scripts/backup-keys.sh and restore-keys.sh, run as an operator runs them: the key archive is encrypted with
 * its own passphrase, opens only with it, and any change to it is refused before the keys are touched.
 */
@Timeout(120)
class KeyBackupScriptsTest {

    private static final Path SCRIPTS = Path.of("scripts").toAbsolutePath();
    /** A JWK's private part as it would sit in access-token.jwk: must never be readable in the archive. */
    private static final String TOKEN_KEY = "{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"backup-test\","
            + "\"d\":\"PRIVATE-PART-THAT-MUST-NOT-BE-READABLE-IN-THE-ARCHIVE\"}";

    @TempDir
    Path work;
    Path data;
    Path passphrase;
    byte[] keystore;

    @BeforeAll
    static void requireGpg() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/gpg")),
                "the key backup needs GnuPG (apt-get install gnupg, or ops/scripts/install-test-deps.sh); skipped");
    }

    @BeforeEach
    void keys() throws IOException {
        data = work.resolve("data");
        Files.createDirectories(data.resolve("keys"));
        keystore = new byte[4096];
        new SecureRandom().nextBytes(keystore);
        Files.write(data.resolve("keys/records-keystore.bcfks"), keystore);
        Files.writeString(data.resolve("keys/access-token.jwk"), TOKEN_KEY);
        passphrase = secret("archive-passphrase", "correct horse battery staple 2026\n");
    }

    @Test
    void theKeyArchiveIsEncryptedAndRestoresByteForByteWithItsPassphrase() throws Exception {
        Run backup = run("backup-keys.sh", "--data-dir", data.toString(), "--out", work.resolve("out").toString(),
                "--passphrase-file", passphrase.toString());
        assertThat(backup.status()).as(backup.err()).isZero();
        Path archive = Path.of(backup.out().strip());
        assertThat(archive.getFileName().toString()).endsWith(".tar.gz.gpg");
        assertThat(Files.getPosixFilePermissions(archive)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        byte[] bytes = Files.readAllBytes(archive);
        assertThat(bytes[0] == 0x1f && bytes[1] == (byte) 0x8b).as("a plain gzip").isFalse();
        assertThat(run("/usr/bin/tar", "-tzf", archive.toString()).status()).as("tar reads it without the passphrase")
                .isNotZero();
        assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).doesNotContain("PRIVATE-PART").doesNotContain("kty");
        try (Stream<Path> left = Files.list(work.resolve("out"))) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .allMatch(name -> name.endsWith(".gpg") || name.endsWith(".gpg.sha256"));
        }

        deleteKeys();
        Run restore = run("restore-keys.sh", "--data-dir", data.toString(), "--passphrase-file", passphrase.toString(),
                archive.toString());
        assertThat(restore.status()).as(restore.err()).isZero();
        assertThat(Files.readAllBytes(data.resolve("keys/records-keystore.bcfks"))).isEqualTo(keystore);
        assertThat(Files.readString(data.resolve("keys/access-token.jwk"))).isEqualTo(TOKEN_KEY);
        assertThat(Files.getPosixFilePermissions(data.resolve("keys/access-token.jwk")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void aWrongPassphraseOrAChangedArchiveIsRefusedBeforeTheKeysAreTouched() throws Exception {
        Path archive = Path.of(run("backup-keys.sh", "--data-dir", data.toString(), "--out",
                work.resolve("out").toString(), "--passphrase-file", passphrase.toString()).out().strip());
        deleteKeys();

        Path wrong = secret("wrong", "another passphrase, long enough\n");
        Run wrongPassphrase = run("restore-keys.sh", "--data-dir", data.toString(), "--passphrase-file",
                wrong.toString(), archive.toString());
        assertThat(wrongPassphrase.status()).isEqualTo(4);
        assertThat(wrongPassphrase.err()).contains("cannot be decrypted");
        assertThat(data.resolve("keys")).doesNotExist();

        // An attacker changing the archive would also rewrite its checksum file.
        byte[] bytes = Files.readAllBytes(archive);
        bytes[bytes.length / 2] ^= 0x01;
        Path changed = work.resolve("changed.tar.gz.gpg");
        Files.write(changed, bytes);
        Run changedArchive = run("restore-keys.sh", "--data-dir", data.toString(), "--passphrase-file",
                passphrase.toString(), changed.toString());
        assertThat(changedArchive.status()).isEqualTo(4);
        assertThat(data.resolve("keys")).doesNotExist();
    }

    @Test
    void noBackupIsWrittenWithoutAPassphraseOfAtLeastTwentyCharacters() throws Exception {
        Path out = work.resolve("out");
        Run none = run("backup-keys.sh", "--data-dir", data.toString(), "--out", out.toString());
        assertThat(none.status()).isEqualTo(2);
        assertThat(none.err()).contains("TABIB_KEYS_BACKUP_PASSPHRASE_FILE");

        Run tooShort = run("backup-keys.sh", "--data-dir", data.toString(), "--out", out.toString(),
                "--passphrase-file", secret("short", "nineteen-characters\n").toString());
        assertThat(tooShort.status()).isEqualTo(2);
        assertThat(tooShort.err()).contains("too short (19 characters");

        Path keystorePassphrase = secret("keystore-passphrase", "the keystore passphrase itself\n");
        Run same = run(Map.of("TABIB_RECORDS_KEYSTORE_PASSPHRASE_FILE", keystorePassphrase.toString()), "backup-keys.sh",
                "--data-dir", data.toString(), "--out", out.toString(), "--passphrase-file", keystorePassphrase.toString());
        assertThat(same.status()).isEqualTo(2);
        assertThat(same.err()).contains("is the keystore passphrase");
        assertThat(out).doesNotExist();
    }

    private Path secret(String name, String text) throws IOException {
        Path file = work.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    private void deleteKeys() throws IOException {
        try (Stream<Path> files = Files.list(data.resolve("keys"))) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(data.resolve("keys"));
    }

    private record Run(int status, String out, String err) {
    }

    private static Run run(String script, String... args) throws Exception {
        return run(Map.of(), script, args);
    }

    private static Run run(Map<String, String> env, String script, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        if (script.startsWith("/")) {
            command.add(script);
        } else {
            command.add("bash");
            command.add(SCRIPTS.resolve(script).toString());
        }
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("TABIB_KEYS_BACKUP_PASSPHRASE_FILE");
        builder.environment().remove("TABIB_RECORDS_KEYSTORE_PASSPHRASE_FILE");
        builder.environment().putAll(env);
        Path err = Files.createTempFile("key-backup-test", ".err");
        builder.redirectError(err.toFile());
        Process process = builder.start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish");
        }
        String errors = Files.readString(err);
        Files.delete(err);
        return new Run(process.exitValue(), out, errors);
    }
}
