package ma.tabiblink.web.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.MutableCapabilities;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.remote.RemoteWebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * One WebKitGTK MiniBrowser (WebKit, the engine of Safari on the nurses' iPads) driven by Debian's WebKitWebDriver.
 * MiniBrowser needs a display, so the driver runs under {@code xvfb-run} with a virtual one. Never downloads
 * anything: without the three programs the test is skipped and says what to install. The camera and microphone are
 * WebKit's mock devices.
 */
final class WebKitSession implements AutoCloseable {

    static final Path WEBKIT_DRIVER = Path.of("/usr/bin/WebKitWebDriver");
    static final Path MINI_BROWSER = Path.of("/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser");
    static final Path XVFB_RUN = Path.of("/usr/bin/xvfb-run");
    static final Duration WAIT = Duration.ofSeconds(30);

    private final Process driverProcess;
    private final RemoteWebDriver driver;
    private final String baseUrl;

    private WebKitSession(String baseUrl, int width, int height) throws IOException {
        this.baseUrl = baseUrl;
        int driverPort = freePort();
        this.driverProcess = new ProcessBuilder(XVFB_RUN.toString(), "-a", "-s", "-screen 0 1920x1400x24",
                WEBKIT_DRIVER.toString(), "--host=127.0.0.1", "--port=" + driverPort)
                .redirectErrorStream(true)
                .redirectOutput(Files.createTempFile("tabib-webkitdriver-", ".log").toFile())
                .start();
        try {
            URI driverUrl = URI.create("http://127.0.0.1:" + driverPort);
            awaitDriver(driverUrl);
            MutableCapabilities capabilities = new MutableCapabilities();
            capabilities.setCapability("browserName", "MiniBrowser");
            capabilities.setCapability("webkitgtk:browserOptions",
                    Map.of("binary", MINI_BROWSER.toString(), "args", List.of("--automation",
                            "--enable-media-stream=true", "--enable-mock-capture-devices=true")));
            this.driver = new RemoteWebDriver(driverUrl.toURL(), capabilities);
            driver.manage().window().setSize(new Dimension(width, height));
        } catch (IOException | RuntimeException e) {
            stopDriverProcess();
            throw e;
        }
    }

    /** Skips the calling test, with the reason, when WebKitGTK's driver, MiniBrowser or xvfb-run is missing. */
    static void assumeWebKitInstalled() {
        assumeTrue(Files.isExecutable(WEBKIT_DRIVER) && Files.isExecutable(MINI_BROWSER) && Files.isExecutable(XVFB_RUN),
                "WebKit tests need Debian's WebKitWebDriver, MiniBrowser and xvfb-run (apt-get install webkit2gtk-driver"
                        + " xvfb xauth, or ops/scripts/install-test-deps.sh); skipped");
    }

    /** A tablet-sized window in landscape orientation, like a nurse's iPad held sideways. */
    static WebKitSession openTablet(String baseUrl) throws IOException {
        return new WebKitSession(baseUrl, 1280, 800);
    }

    static WebKitSession openDesktop(String baseUrl) throws IOException {
        return new WebKitSession(baseUrl, 1440, 900);
    }

    RemoteWebDriver driver() {
        return driver;
    }

    void signIn(String username, String language) {
        driver.get(baseUrl + "/");
        waitFor("#login-form input[name=username]").sendKeys(username);
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
        click("#urgent button.specialty[data-specialty='" + specialty + "']");
        waitFor("#prejoin[data-specialty='" + specialty + "'] #start-call");
        click("#start-call");
    }

    void waitUntil(String description, Predicate<WebKitSession> condition) {
        new WebDriverWait(driver, WAIT).withMessage(description).ignoring(StaleElementReferenceException.class)
                .until(d -> condition.test(this));
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            stopDriverProcess();
        }
    }

    /** xvfb-run starts Xvfb and the driver as its children, and the driver starts MiniBrowser: all of them go. */
    private void stopDriverProcess() {
        driverProcess.descendants().forEach(ProcessHandle::destroy);
        driverProcess.destroy();
        try {
            if (!driverProcess.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                driverProcess.descendants().forEach(ProcessHandle::destroyForcibly);
                driverProcess.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitDriver(URI driverUrl) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline)) {
            try {
                HttpResponse<String> status = http.send(HttpRequest.newBuilder(driverUrl.resolve("/status"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (status.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // The driver is not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for WebKitWebDriver", e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for WebKitWebDriver", e);
            }
        }
        throw new IOException("WebKitWebDriver did not answer at " + driverUrl + " within " + WAIT);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
