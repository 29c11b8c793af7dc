package ma.tabiblink.web.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * One headless Debian Chromium driven by Debian's chromedriver, with a fresh profile and a fake camera and
 * microphone. Never downloads a driver: without /usr/bin/chromium and /usr/bin/chromedriver the test is skipped.
 */
final class BrowserSession implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Duration WAIT = Duration.ofSeconds(30);

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path profile;
    private final String baseUrl;
    private final List<String> consoleViolations = new ArrayList<>();
    private static final ObjectMapper JSON = new ObjectMapper();

    private BrowserSession(String baseUrl, int width, int height, Path binary, List<String> extraArguments)
            throws IOException {
        this(baseUrl, width, height, binary, extraArguments, true);
    }

    /** Without {@code answerMediaPrompts}, the page gets the camera and microphone only as the site's permission says. */
    private BrowserSession(String baseUrl, int width, int height, Path binary, List<String> extraArguments,
                           boolean answerMediaPrompts) throws IOException {
        this.baseUrl = baseUrl;
        this.profile = Files.createTempDirectory("tabib-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(binary.toFile());
        options.addArguments(extraArguments);
        options.addArguments(
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile,
                "--use-fake-device-for-media-stream",
                "--disable-features=WebRtcHideLocalIpsWithMdns",
                "--autoplay-policy=no-user-gesture-required",
                "--window-size=" + width + "," + height);
        if (answerMediaPrompts) {
            options.addArguments("--use-fake-ui-for-media-stream");
        }
        this.service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        this.driver = new ChromeDriver(service, options);
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", VIOLATION_COLLECTOR));
    }

    /**
     * Collects every Content-Security-Policy violation the page reports, across navigations of the tab. Injected by
     * the driver, so the policy under test does not apply to it.
     */
    private static final String VIOLATION_COLLECTOR = """
            document.addEventListener('securitypolicyviolation', (e) => {
              const list = JSON.parse(sessionStorage.getItem('tabib.csp') || '[]');
              list.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`);
              sessionStorage.setItem('tabib.csp', JSON.stringify(list));
            }, true);
            """;

    /** CSP violations seen so far: reported to the page, or written to the browser's console. */
    List<String> cspViolations() {
        List<String> found = new ArrayList<>();
        try {
            Object reported = script("return sessionStorage.getItem('tabib.csp') || '[]'");
            for (JsonNode v : JSON.readTree(String.valueOf(reported))) {
                found.add(v.asText());
            }
        } catch (IOException | RuntimeException notOurPage) {
            // No page of ours is open (the console log below still counts).
        }
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            if (entry.getMessage().contains("Content Security Policy")) {
                consoleViolations.add(entry.getMessage());
            }
        }
        found.addAll(consoleViolations);
        return found;
    }

    /** Forgets the violations seen so far (after a test provoked some on purpose). */
    void forgetCspViolations() {
        cspViolations();
        consoleViolations.clear();
        script("sessionStorage.removeItem('tabib.csp')");
    }

    /** Skips the calling test, with the reason, when Debian's Chromium or chromedriver is not installed. */
    static void assumeBrowserInstalled() {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Browser tests need Debian's Chromium and chromedriver at " + CHROMIUM + " and " + CHROMEDRIVER
                        + " (apt-get install chromium chromium-driver, or ops/scripts/install-test-deps.sh); skipped");
    }

    static BrowserSession open(String baseUrl) throws IOException {
        return new BrowserSession(baseUrl, 1280, 900, CHROMIUM, List.of());
    }

    /** A tablet-sized window in portrait orientation. */
    static BrowserSession openTablet(String baseUrl) throws IOException {
        return new BrowserSession(baseUrl, 800, 1280, CHROMIUM, List.of());
    }

    /** A nurse's tablet for the offline tests: scripts and page loads bounded, so a dead link never hangs a test. */
    static BrowserSession openOfflineTablet(String baseUrl) throws IOException {
        BrowserSession tablet = openTablet(baseUrl);
        tablet.driver().manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        tablet.driver().manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return tablet;
    }

    /**
     * A nurse's offline tablet on which the site was refused the microphone and camera (the nurse pressed "Block" on
     * the browser's prompt once): the permission is denied, and no prompt is answered for her.
     */
    static BrowserSession openOfflineTabletWithMediaBlocked(String baseUrl) throws IOException {
        BrowserSession tablet = new BrowserSession(baseUrl, 800, 1280, CHROMIUM, List.of(), false);
        tablet.driver().manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        tablet.driver().manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        for (String permission : List.of("microphone", "camera")) {
            tablet.driver().executeCdpCommand("Browser.setPermission", Map.of(
                    "permission", Map.of("name", permission), "setting", "denied", "origin", baseUrl));
        }
        return tablet;
    }

    /** The nurse's screen is up, the service worker controls the page and the signalling socket is open. */
    void awaitShellAndSignalling() {
        waitFor("#urgent button.specialty");
        waitUntil("the service worker controls the page",
                b -> Boolean.TRUE.equals(b.script("return navigator.serviceWorker.controller?.state === 'activated'")));
        waitUntil("the signalling socket is open", b -> "open".equals(b.attribute("#link-status", "data-status")));
    }

    /**
     * A browser started through {@code launcher} (a script that runs Chromium elsewhere, such as inside the network
     * lab) with extra arguments. The driver talks to it over a pipe, so it needs no network path to the browser.
     */
    static BrowserSession openVia(String baseUrl, int width, int height, Path launcher, List<String> extraArguments)
            throws IOException {
        List<String> arguments = new java.util.ArrayList<>(extraArguments);
        arguments.add("--remote-debugging-pipe");
        return new BrowserSession(baseUrl, width, height, launcher, arguments);
    }

    /** A browser on this machine's own network, with extra arguments. */
    static BrowserSession openWith(String baseUrl, int width, int height, List<String> extraArguments)
            throws IOException {
        return new BrowserSession(baseUrl, width, height, CHROMIUM, extraArguments);
    }

    ChromeDriver driver() {
        return driver;
    }

    /** Signs in with the demo password, then picks the language with the switch in the top bar. */
    void signIn(String username, String language) {
        driver.get(baseUrl + "/");
        WebElement user = waitFor("#login-form input[name=username]");
        user.sendKeys(username);
        driver.findElement(By.cssSelector("#login-form input[name=password]")).sendKeys("demo1234");
        driver.findElement(By.cssSelector("#login-form button[type=submit]")).click();
        waitFor("#logout");
        new Select(driver.findElement(By.id("lang"))).selectByValue(language);
        waitUntil("language " + language + " applied", b -> language.equals(b.script("return document.documentElement.lang")));
    }

    WebElement waitFor(String css) {
        return new WebDriverWait(driver, WAIT).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    /** Clicks the element once it is clickable; one the page replaced in the meantime is looked up again. */
    void click(String css) {
        new WebDriverWait(driver, WAIT).ignoring(StaleElementReferenceException.class).until(d -> {
            WebElement element = ExpectedConditions.elementToBeClickable(By.cssSelector(css)).apply(d);
            if (element == null) {
                return false;
            }
            element.click();
            return true;
        });
    }

    /** The nurse's steps 2 and 3 of an urgent call: the specialty, then "call now" on the pre-join screen. */
    void callSpecialty(String specialty) {
        chooseSpecialty(specialty);
        click("#start-call");
    }

    /** The nurse's step 2: the specialty's button, which opens the pre-join screen. */
    void chooseSpecialty(String specialty) {
        click("#urgent button.specialty[data-specialty='" + specialty + "']");
        waitFor("#prejoin[data-specialty='" + specialty + "'] #start-call");
    }

    void waitUntil(String description, java.util.function.Predicate<BrowserSession> condition) {
        waitUntil(description, WAIT, condition);
    }

    /** Elements the page replaced while the condition read them are read again on the next try. */
    void waitUntil(String description, Duration timeout, java.util.function.Predicate<BrowserSession> condition) {
        new WebDriverWait(driver, timeout).withMessage(description).ignoring(StaleElementReferenceException.class)
                .until(d -> condition.test(this));
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    String attribute(String css, String name) {
        List<WebElement> found = driver.findElements(By.cssSelector(css));
        return found.isEmpty() ? null : found.get(0).getDomAttribute(name);
    }

    /**
     * Saves a PNG under target/screenshots; with {@code -Dtabib.screenshots.update-docs=true} also copies it to
     * docs/screenshots, the README's pictures (a plain test run leaves the sources alone).
     */
    void screenshot(String name) {
        try {
            byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
            Path artifacts = Path.of("target", "screenshots");
            Files.createDirectories(artifacts);
            Path file = artifacts.resolve(name + ".png");
            Files.write(file, png);
            Path docs = Path.of("..", "docs", "screenshots");
            if (Boolean.getBoolean("tabib.screenshots.update-docs") && Files.isDirectory(docs.getParent())) {
                Files.createDirectories(docs);
                Files.copy(file, docs.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Quits the browser; a screen that broke the Content-Security-Policy fails the test that showed it. */
    @Override
    public void close() throws IOException {
        List<String> violations;
        try {
            violations = cspViolations();
        } catch (RuntimeException e) {
            violations = List.of();
        }
        try {
            driver.quit();
        } finally {
            service.stop();
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        if (!violations.isEmpty()) {
            throw new AssertionError("Content-Security-Policy violations: " + violations);
        }
    }
}
