package ma.tabiblink.ops.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The repository holds no secret or runtime state: no private key, keystore, Redis file (AOF, RDB) or pid file is
 * tracked, and a data folder is ignored wherever the server was started from.
 */
class NoKeyMaterialInRepositoryTest {

    /** File names that are key material or runtime state whatever they contain. */
    private static final Pattern FORBIDDEN_NAME = Pattern.compile(
            "(^|/)(data/|appendonlydir/)|\\.(jwk|bcfks|keystore|jks|p12|pfx|key|aof|rdb|pid|pass)$|(^|/)appendonly[^/]*$");
    /** A PEM private key with its body (a source file that only writes the header line does not match). */
    private static final Pattern PEM_PRIVATE_KEY = Pattern.compile(
            "-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----\\s*[A-Za-z0-9+/=]{40,}");
    /** A JWK with a private part ({@code "d"}), as the access-token key is stored. */
    private static final Pattern JWK_PRIVATE = Pattern.compile(
            "\"kty\"\\s*:\\s*\"(?:EC|RSA|OKP)\".*\"d\"\\s*:\\s*\"[A-Za-z0-9_-]{20,}\"|\"d\"\\s*:\\s*\"[A-Za-z0-9_-]{20,}\".*\"kty\"\\s*:\\s*\"(?:EC|RSA|OKP)\"",
            Pattern.DOTALL);

    private static Path root;

    @BeforeAll
    static void findRepository() throws Exception {
        List<String> top = git(Path.of("").toAbsolutePath(), "rev-parse", "--show-toplevel");
        assumeTrue(!top.isEmpty(), "not a git checkout (a source archive): nothing is tracked");
        root = Path.of(top.get(0));
    }

    @Test
    void noPrivateKeyKeystoreRedisFileOrPidFileIsTracked() throws Exception {
        List<String> offending = new ArrayList<>();
        for (String path : git(root, "ls-files")) {
            if (FORBIDDEN_NAME.matcher(path.toLowerCase(Locale.ROOT)).find()) {
                offending.add(path + " (key material or runtime state by its name)");
                continue;
            }
            Path file = root.resolve(path);
            if (!Files.isRegularFile(file) || Files.size(file) > 2_000_000) {
                continue;
            }
            String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            if (PEM_PRIVATE_KEY.matcher(text).find() || JWK_PRIVATE.matcher(text).find()) {
                offending.add(path + " (holds a private key)");
            }
        }
        assertThat(offending).as("tracked files that must never be committed").isEmpty();
    }

    @Test
    void aDataFolderIsIgnoredWhereverTheServerWasStartedFrom() throws Exception {
        for (String path : List.of("data/keys/access-token.jwk", "web/data/redis/appendonly.aof",
                "web/data/redis/redis.pid", "ops/data/keys/records-keystore.bcfks", "records/x/data/dump.rdb")) {
            assertThat(git(root, "check-ignore", "--no-index", path)).as(path).containsExactly(path);
        }
    }

    @Test
    void theChecksRecogniseKeyMaterial() {
        assertThat(FORBIDDEN_NAME.matcher("web/data/redis/redis.pid").find()).isTrue();
        assertThat(FORBIDDEN_NAME.matcher("keys/records-keystore.bcfks").find()).isTrue();
        assertThat(FORBIDDEN_NAME.matcher("appendonlydir/appendonly.aof.1.incr.aof").find()).isTrue();
        assertThat(FORBIDDEN_NAME.matcher("ops/deploy/redis/tabib-redis.conf").find()).isFalse();
        assertThat(JWK_PRIVATE.matcher("{\"kty\":\"EC\",\"d\":\"RGt1a1bMw6oc0b6xWuuD8k8HcPKH8445Vj3GLyXnxZg\",\"crv\":\"P-256\"}")
                .find()).isTrue();
        assertThat(JWK_PRIVATE.matcher("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"zpV6U-T-Ozr8b-ob-aRfiVmA_IXhUdlszAz6tgIdeL4\"}")
                .find()).isFalse();
        assertThat(PEM_PRIVATE_KEY.matcher("-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg")
                .find()).isTrue();
        assertThat(PEM_PRIVATE_KEY.matcher("out.write(\"-----BEGIN PRIVATE KEY-----\\n\" + base64)").find()).isFalse();
    }

    private static List<String> git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "-c", "core.quotePath=false"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(false).start();
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        process.getErrorStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("git " + String.join(" ", args) + " did not finish");
        }
        String text = new String(out, StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }
}
