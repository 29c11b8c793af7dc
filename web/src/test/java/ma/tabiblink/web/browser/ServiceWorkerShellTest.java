package ma.tabiblink.web.browser;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service worker's shell list (sw.js, SHELL) is the one place that says what opens without a network: every
 * module, bundle, style and icon of the screens must be on it, and its version must change with its content, or
 * tablets would keep running the old shell.
 */
class ServiceWorkerShellTest {

    static final Path STATIC = Path.of("src", "main", "resources", "static");
    private static final Pattern SHELL = Pattern.compile("const SHELL = \\[(.*?)];", Pattern.DOTALL);
    private static final Pattern ENTRY = Pattern.compile("'([^']+)'");
    private static final Pattern VERSION = Pattern.compile("const SHELL_VERSION = '([^']*)';");

    @Test
    void everyModuleBundleStyleAndIconIsInTheShellList() throws IOException {
        List<String> shell = shellList();
        List<String> files = new ArrayList<>(List.of("/index.html", "/manifest.webmanifest"));
        for (String folder : List.of("js", "i18n", "css", "icons")) {
            try (Stream<Path> found = Files.walk(STATIC.resolve(folder))) {
                found.filter(Files::isRegularFile)
                        .map(p -> "/" + STATIC.relativize(p).toString().replace('\\', '/'))
                        .forEach(files::add);
            }
        }
        assertThat(shell).as("sw.js SHELL: a file of the screens is missing (it would not open offline)")
                .containsAll(files);
        assertThat(shell).as("sw.js SHELL lists files that do not exist").allMatch(p -> Files.isRegularFile(file(p)));
        assertThat(shell).doesNotHaveDuplicates();
    }

    @Test
    void theShellListHoldsNoApiSocketOrManagementPath() throws IOException {
        assertThat(shellList()).noneMatch(p -> p.startsWith("/api/") || p.startsWith("/actuator")
                || p.startsWith("/signal") || p.startsWith("/board") || p.contains("?"));
    }

    @Test
    void theShellVersionIsTheDigestOfTheShellFiles() throws IOException {
        String expected = digest(shellList());
        Matcher version = VERSION.matcher(serviceWorker());
        assertThat(version.find()).as("sw.js declares SHELL_VERSION").isTrue();
        assertThat(version.group(1))
                .as("a shell file changed: set SHELL_VERSION in sw.js to '%s' so that tablets take the new shell", expected)
                .isEqualTo(expected);
    }

    static List<String> shellList() throws IOException {
        Matcher list = SHELL.matcher(serviceWorker());
        assertThat(list.find()).as("sw.js declares const SHELL = [...]").isTrue();
        List<String> paths = new ArrayList<>();
        Matcher entry = ENTRY.matcher(list.group(1));
        while (entry.find()) {
            paths.add(entry.group(1));
        }
        return paths;
    }

    /** SHA-256 over each listed path and its bytes, in list order; the first 12 hex digits. */
    static String digest(List<String> shell) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (String path : shell) {
            all.writeBytes(path.getBytes(StandardCharsets.UTF_8));
            all.write(0);
            all.writeBytes(Files.readAllBytes(file(path)));
            all.write(0);
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(all.toByteArray())).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String serviceWorker() throws IOException {
        return Files.readString(STATIC.resolve("sw.js"));
    }

    private static Path file(String path) {
        return STATIC.resolve(path.substring(1));
    }
}
