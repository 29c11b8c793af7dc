package ma.tabiblink.web.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import ma.tabiblink.web.support.ApiClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A coordinator books a free slot in the week calendar and, without reloading the page, sees the booking arrive on
 * the live board pushed over its WebSocket, then a tele-expertise case a nurse sends waiting for its specialty. Runs its own application (own data folder) in a zone where it is morning.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class CoordinatorBoardBrowserTest {

    @LocalServerPort
    private int port;


    /**
     * The board lists today's bookings, so a free slot must remain today whatever the hour the test runs: the
     * deployment's zone is chosen so that it is about ten in the morning there now.
     */
    private static final ZoneOffset ZONE = ZoneOffset.ofHours(10 - Instant.now().atOffset(ZoneOffset.UTC).getHour());

    @DynamicPropertySource
    static void morningZone(DynamicPropertyRegistry registry) throws IOException {
        registry.add("tabib.zone", ZONE::getId);
        registry.add("tabib.demo", () -> "true");
        registry.add("tabib.signaling.port", () -> "0");
        String dataDir = Files.createTempDirectory("tabib-board-test").toString();
        registry.add("tabib.data-dir", () -> dataDir);
    }

    @BeforeAll
    static void requireBrowser() {
        BrowserSession.assumeBrowserInstalled();
    }

    @Test
    void slotBookedInTheCalendarAppearsOnTheLiveBoardWithoutReloading() throws Exception {
        List<Map<String, String>> everyDay = Arrays.stream(DayOfWeek.values())
                .map(day -> Map.of("day", day.name(), "start", "08:00", "end", "20:00")).toList();
        assertThat(coordinatorApi().put("/api/v1/specialists/dr.derm/availability",
                Map.of("specialties", List.of("dermatology"), "weekly", everyDay)).status()).isEqualTo(200);
        String today = LocalDate.now(ZONE).toString();
        ApiClient.Response patient = new ApiClient("http://127.0.0.1:" + port).login("nurse1", "demo1234")
                .post("/api/v1/patients", Map.of("fullName", "Rkia Board", "birthYear", 1975, "sex", "FEMALE",
                        "teleconsultationConsent", true));
        assertThat(patient.status()).as(patient.body()).isEqualTo(201);

        try (BrowserSession coordinator = BrowserSession.open("http://127.0.0.1:" + port)) {
            coordinator.signIn("coord1", "fr");
            coordinator.waitFor("#board-status[data-live='true']");
            coordinator.script("window.__samePage = true;");

            coordinator.click("#tab-calendar");
            coordinator.waitUntil("specialties listed", b -> !b.driver().findElements(By.cssSelector("#calendar-specialty option[value='dermatology']")).isEmpty());
            new Select(coordinator.waitFor("#calendar-specialty")).selectByValue("dermatology");
            coordinator.waitUntil("a free slot of dr.derm today", b -> freeSlotToday(b, today).isPresent());
            WebElement slot = freeSlotToday(coordinator, today).orElseThrow();
            String start = slot.getDomAttribute("data-start");
            slot.click();
            String patientId = patient.json().path("id").asText();
            coordinator.waitUntil("dispensaries listed", b -> !b.driver().findElements(
                    By.cssSelector("#book-form select[name=dispensaryId] option[value='disp-tinghir']")).isEmpty());
            new Select(coordinator.driver().findElement(By.cssSelector("#book-form select[name=dispensaryId]")))
                    .selectByValue("disp-tinghir");
            coordinator.waitUntil("the dispensary's patients offered by name", b -> b.driver().findElements(
                    By.cssSelector("#book-patients option[value='" + patientId + "']")).stream()
                    .anyMatch(o -> o.getDomAttribute("label").contains("Rkia Board")));
            coordinator.waitFor("#book-form input[name=patientRef]").sendKeys(patientId);
            coordinator.click("#book-form button[type=submit]");
            coordinator.waitUntil("booking form closed", b -> b.driver().findElements(By.id("book-form")).isEmpty());

            coordinator.click("#tab-board");
            coordinator.waitUntil("the booking on the live board", b -> b.driver()
                    .findElements(By.cssSelector("#board-bookings tr[data-status='booked']")).stream()
                    .anyMatch(row -> row.getText().contains("dr.derm") && row.getText().contains("disp-tinghir")));
            assertThat(coordinator.script("return window.__samePage === true")).isEqualTo(true);

            // A tele-expertise case sent meanwhile shows as waiting for its specialty.
            ApiClient nurse = new ApiClient("http://127.0.0.1:" + port).login("nurse1", "demo1234");
            String caseId = nurse.post("/api/v1/cases", Map.of("patientId", patientId, "specialty", "cardiology",
                    "question", "Souffle à l'auscultation", "urgency", "ROUTINE"),
                    Map.of("Idempotency-Key", "board-case-1")).json().at("/summary/id").asText();
            assertThat(nurse.post("/api/v1/cases/" + caseId + "/submit", null).status()).isEqualTo(200);
            coordinator.waitUntil("the case waiting on the live board", b -> b.driver()
                    .findElements(By.cssSelector("#board-cases-waiting tr[data-specialty='cardiology'] td.stat"))
                    .stream().anyMatch(cell -> cell.getText().equals("1")));
            assertThat(coordinator.driver().findElement(By.id("board-cases")).getText())
                    .doesNotContain("Souffle");
            assertThat(coordinatorApi().get("/api/v1/appointments?date=" + today).json().findValuesAsText("start"))
                    .anyMatch(s -> Instant.parse(s).equals(Instant.parse(start)));

            // The week's past days are marked; the week's dates follow a change of language.
            coordinator.click("#tab-calendar");
            for (WebElement day : coordinator.driver().findElements(By.cssSelector("#week .day"))) {
                boolean past = day.getDomAttribute("data-date").compareTo(today) < 0;
                assertThat(day.getDomAttribute("class").contains("past")).as(day.getDomAttribute("data-date")).isEqualTo(past);
            }
            String french = coordinator.waitFor(".week-label").getText();
            new Select(coordinator.driver().findElement(By.id("lang"))).selectByValue("ar");
            coordinator.waitUntil("the week's dates in Arabic", b -> !b.driver().findElement(By.cssSelector(".week-label"))
                    .getText().equals(french) && b.driver().findElement(By.cssSelector(".week-label")).getText()
                    .codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.ARABIC));
        }
    }

    private ApiClient coordinatorApi() {
        return new ApiClient("http://127.0.0.1:" + port).login("coord1", "demo1234");
    }

    private static Optional<WebElement> freeSlotToday(BrowserSession browser, String today) {
        return browser.driver().findElements(By.cssSelector("#week .day[data-date='" + today + "'] button.slot.free[data-specialist='dr.derm']"))
                .stream().findFirst();
    }
}
