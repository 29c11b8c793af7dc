package ma.tabiblink.web.browser;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.StreamSupport;

import javax.imageio.ImageIO;

import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import com.fasterxml.jackson.databind.JsonNode;

import ma.tabiblink.web.support.ApiClient;

/** The nurse's case form and outbox as the browser tests drive and read them, and the photos they attach. */
final class CaseForms {

    /** Test photos written once per JVM: two camera-sized gradients and a noisy picture that is hard to compress. */
    static final Path PHOTOS = writePhotos();
    static final Path WOUND_1 = PHOTOS.resolve("wound-1.png");
    static final Path WOUND_2 = PHOTOS.resolve("wound-2.png");
    /** The browser must lower its quality, then its size, to get it under 200 KB: several upload chunks. */
    static final Path RASH_LARGE = PHOTOS.resolve("rash-large.png");

    private CaseForms() {
    }

    /**
     * Searches the patient by name (the first list shows only the first patients of the dispensary, and other tests
     * register many) and picks them.
     */
    static void choosePatient(BrowserSession nurse, String patientId, String name) {
        String result = "#patient-results button[data-patient-id='" + patientId + "']";
        // The patient card is drawn again once the dispensary's list has reached the tablet (late on a slow link),
        // which empties the search box: type again whenever it lost the name.
        nurse.waitUntil("the patient found by name", b -> {
            WebElement query = b.waitFor("#patient-search");
            if (!name.equals(query.getDomProperty("value"))) {
                query.clear();
                query.sendKeys(name);
                b.click("#patient form[role=search] button[type=submit]");
            }
            return !b.driver().findElements(By.cssSelector(result)).isEmpty();
        });
        nurse.click(result);
        try {
            nurse.waitFor("#case-form");
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("no case form after choosing " + name + "; the patient card: "
                    + nurse.script("return document.getElementById('patient')?.innerHTML")
                    + "; the case card: " + nurse.script("return document.getElementById('case-new')?.innerHTML"), e);
        }
    }

    /** Attaches the photos to the case form and waits until the tablet has shrunk them all. */
    static List<Long> attachPhotos(BrowserSession nurse, Path... photos) {
        int before = photoSizes(nurse).size();
        nurse.driver().findElement(By.id("case-photos")).sendKeys(String.join("\n",
                java.util.Arrays.stream(photos).map(p -> p.toAbsolutePath().toString()).toList()));
        nurse.waitUntil("the photos shrunk and shown", b -> photoSizes(b).size() == before + photos.length);
        return photoSizes(nurse);
    }

    /** The sizes of the shrunk photos waiting in the case form. */
    static List<Long> photoSizes(BrowserSession nurse) {
        return nurse.driver().findElements(By.cssSelector("#case-photo-list li")).stream()
                .map(li -> Long.parseLong(li.getDomAttribute("data-bytes"))).toList();
    }

    static List<String> outboxStates(BrowserSession nurse) {
        return nurse.driver().findElements(By.cssSelector("#outbox li.outbox-item")).stream()
                .map(li -> li.getDomAttribute("data-state")).toList();
    }

    static List<String> outboxKinds(BrowserSession nurse) {
        return nurse.driver().findElements(By.cssSelector("#outbox li.outbox-item")).stream()
                .map(li -> li.getDomAttribute("data-kind")).toList();
    }

    static boolean outboxAllSent(BrowserSession nurse) {
        List<String> states = outboxStates(nurse);
        return !states.isEmpty() && states.stream().allMatch("sent"::equals);
    }

    /** The dispensary's cases about the patient, as the server lists them to the nurse. */
    static List<JsonNode> casesOf(ApiClient nurse, String patientId) {
        return StreamSupport.stream(nurse.get("/api/v1/cases").json().spliterator(), false)
                .filter(c -> patientId.equals(c.path("patientId").asText())).toList();
    }

    /** The first attachment of the patient's first case, as the server has it so far; null before there is one. */
    static JsonNode firstAttachment(ApiClient nurse, String patientId) {
        List<JsonNode> found = casesOf(nurse, patientId);
        if (found.isEmpty()) {
            return null;
        }
        JsonNode attachments = nurse.get("/api/v1/cases/" + found.get(0).path("id").asText()).json().path("attachments");
        return attachments.isEmpty() ? null : attachments.get(0);
    }

    private static Path writePhotos() {
        try {
            Path dir = Files.createTempDirectory("tabib-case-photos");
            ImageIO.write(gradient(800, 600, 0), "png", dir.resolve("wound-1.png").toFile());
            ImageIO.write(gradient(640, 900, 90), "png", dir.resolve("wound-2.png").toFile());
            ImageIO.write(noise(1400, 1050), "png", dir.resolve("rash-large.png").toFile());
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BufferedImage gradient(int width, int height, int hue) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, ((x * 255 / width + hue) % 256) << 16 | (y * 255 / height) << 8 | 0x60);
            }
        }
        return image;
    }

    private static BufferedImage noise(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(7);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        return image;
    }
}
