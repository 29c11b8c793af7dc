package ma.tabiblink.web.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
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
 * the live board pushed over its WebSocket, then a tele-expertise case a nurse sends waiting for its specialty.
 * Specialists and dispensaries are shown by name, the patient is found by name or record number, past days are
 * greyed and cannot be booked, and a phone shows one day at a time. Runs its own application (own data folder) in
 * a zone where it is morning.
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
    private static final String DERMATOLOGIST = "Dr. Omar Tazi";
    private static final String TINGHIR = "Centre de santé rural Tinghir";

    private static final ZoneId ZONE = morning();

    /**
     * A zone where it is 10:00-ish now. At 10:xx UTC that is UTC itself, named so: the offset's own id, "Z", is not a
     * time zone the browser's Intl API accepts.
     */
    private static ZoneId morning() {
        ZoneOffset offset = ZoneOffset.ofHours(10 - Instant.now().atOffset(ZoneOffset.UTC).getHour());
        return offset.getTotalSeconds() == 0 ? ZoneId.of("UTC") : offset;
    }

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
            coordinator.waitUntil("the specialist's name on the free slots", b -> freeSlotToday(b, today)
                    .map(s -> s.getText().contains(DERMATOLOGIST) && !s.getText().contains("dr.derm")).orElse(false));
            WebElement slot = freeSlotToday(coordinator, today).orElseThrow();
            String start = slot.getDomAttribute("data-start");
            slot.click();
            String patientId = patient.json().path("id").asText();
            // Found by name (typed in part), whatever the dispensary; choosing the patient fills in the dispensary.
            coordinator.waitFor("#book-patient").sendKeys("rkia bo");
            WebElement found = coordinator.waitFor("#book-patient-results button[data-patient-id='" + patientId + "']");
            assertThat(found.getText()).contains("Rkia Board", "1975", TINGHIR).doesNotContain("disp-tinghir");
            found.click();
            assertThat(coordinator.attribute("#book-form input[name=patientRef]", "value")).isEqualTo(patientId);
            coordinator.waitUntil("the patient's dispensary chosen", b -> "disp-tinghir".equals(new Select(b.driver()
                    .findElement(By.cssSelector("#book-form select[name=dispensaryId]"))).getFirstSelectedOption().getDomAttribute("value")));
            coordinator.click("#book-form button[type=submit]");
            coordinator.waitUntil("booking form closed", b -> b.driver().findElements(By.id("book-form")).isEmpty());

            coordinator.click("#tab-board");
            coordinator.waitUntil("the booking on the live board, by names", b -> b.driver()
                    .findElements(By.cssSelector("#board-bookings tr[data-status='booked']")).stream()
                    .anyMatch(row -> row.getText().contains(DERMATOLOGIST) && row.getText().contains(TINGHIR)
                            && !row.getText().contains("dr.derm") && !row.getText().contains("disp-tinghir")));
            assertThat(coordinator.script("return window.__samePage === true")).isEqualTo(true);

            // Every specialty has its queue on the board, 0 when no call waits.
            List<String> codes = new ArrayList<>();
            coordinatorApi().get("/api/v1/specialties").json().forEach(code -> codes.add(code.asText()));
            assertThat(codes).contains("cardiology", "paediatrics", "dermatology");
            coordinator.waitUntil("a queue row for every specialty", b -> codes.stream().allMatch(code -> b.driver()
                    .findElements(By.cssSelector("#board-queues tr[data-specialty='" + code + "'] td.stat")).stream()
                    .anyMatch(cell -> cell.getText().equals("0"))));

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

    @Test
    void patientFoundByRecordNumberIsBookedAndPastDaysAreGreyedAndNotBookable() throws Exception {
        dermatologistEveryDay();
        String today = LocalDate.now(ZONE).toString();
        String patientId = registerPatient("Brahim Calendrier", 1981);

        try (BrowserSession coordinator = BrowserSession.open("http://127.0.0.1:" + port)) {
            coordinator.signIn("coord1", "fr");
            coordinator.click("#tab-calendar");
            coordinator.waitUntil("specialties listed", b -> !b.driver().findElements(By.cssSelector("#calendar-specialty option[value='dermatology']")).isEmpty());
            new Select(coordinator.waitFor("#calendar-specialty")).selectByValue("dermatology");
            coordinator.waitUntil("a free slot of dr.derm today", b -> freeSlotToday(b, today).isPresent());
            WebElement thisWeekDay = coordinator.driver().findElement(By.cssSelector("#week .day[data-date='" + today + "']"));
            assertThat(thisWeekDay.getDomAttribute("aria-disabled")).isNull();
            String bookableBackground = thisWeekDay.getCssValue("background-color");

            // Found by record number, then booked.
            List<WebElement> free = coordinator.driver().findElements(By.cssSelector(
                    "#week .day[data-date='" + today + "'] button.slot.free[data-specialist='dr.derm']"));
            WebElement slot = free.get(free.size() - 1);
            String start = slot.getDomAttribute("data-start");
            slot.click();
            coordinator.waitFor("#book-patient").sendKeys(patientId);
            WebElement found = coordinator.waitFor("#book-patient-results button[data-patient-id='" + patientId + "']");
            assertThat(found.getText()).contains("Brahim Calendrier", "1981", TINGHIR);
            found.click();
            coordinator.waitFor("#book-form .patient-chosen");
            coordinator.click("#book-form button[type=submit]");
            coordinator.waitUntil("booking form closed", b -> b.driver().findElements(By.id("book-form")).isEmpty());
            assertThat(coordinatorApi().get("/api/v1/appointments?date=" + today).json().findValues("patientRef"))
                    .anyMatch(ref -> ref.asText().equals(patientId));
            coordinator.waitUntil("the booking in the calendar", b -> !b.driver().findElements(By.cssSelector(
                    "#week button.slot.booked[data-status='booked']")).isEmpty());
            coordinator.click("#week button.slot.booked[data-status='booked']");
            coordinator.waitUntil("the booking shown by names", b -> {
                String text = b.driver().findElement(By.id("manage-panel")).getText();
                return text.contains(DERMATOLOGIST) && text.contains(TINGHIR) && !text.contains("disp-tinghir");
            });
            assertThat(start).isNotBlank();

            // The week before: every day past, greyed, marked aria-disabled, and no free slot can be booked.
            String monday = LocalDate.now(ZONE).with(DayOfWeek.MONDAY).minusWeeks(1).toString();
            coordinator.click("#panel-calendar button[data-i18n='coordinator.prevWeek']");
            coordinator.waitUntil("last week shown", b -> !b.driver().findElements(By.cssSelector("#week .day[data-date='" + monday + "']")).isEmpty());
            List<WebElement> days = coordinator.driver().findElements(By.cssSelector("#week .day"));
            assertThat(days).hasSize(7).allSatisfy(day -> {
                assertThat(day.getDomAttribute("class")).contains("past");
                assertThat(day.getDomAttribute("aria-disabled")).isEqualTo("true");
                assertThat(day.getCssValue("background-color")).isNotEqualTo(bookableBackground);
            });
            for (WebElement pastSlot : coordinator.driver().findElements(By.cssSelector("#week button.slot.free"))) {
                assertThat(pastSlot.isEnabled()).isFalse();
                coordinator.script("arguments[0].click()", pastSlot);
            }
            assertThat(coordinator.driver().findElements(By.id("book-form"))).isEmpty();
        }
    }

    @Test
    void aPhoneShowsOneDayAtATimeWithPreviousAndNextDay() throws Exception {
        dermatologistEveryDay();
        String today = LocalDate.now(ZONE).toString();
        String tomorrow = LocalDate.now(ZONE).plusDays(1).toString();
        try (BrowserSession phone = BrowserSession.openWith("http://127.0.0.1:" + port, 390, 844, List.of())) {
            phone.signIn("coord1", "fr");
            phone.click("#tab-calendar");
            phone.waitUntil("specialties listed", b -> !b.driver().findElements(By.cssSelector("#calendar-specialty option[value='dermatology']")).isEmpty());
            new Select(phone.waitFor("#calendar-specialty")).selectByValue("dermatology");
            phone.waitUntil("today alone shown", b -> shownDays(b).equals(List.of(today)));
            assertThat(phone.waitFor("#day-nav").isDisplayed()).isTrue();
            assertThat(phone.driver().findElement(By.cssSelector(".week-label")).isDisplayed()).isFalse();
            for (String button : List.of("#prev-day", "#next-day")) {
                assertThat(phone.driver().findElement(By.cssSelector(button)).getSize().getHeight()).isGreaterThanOrEqualTo(48);
            }
            String french = phone.waitFor("#day-nav .day-label").getText();

            phone.click("#next-day");
            phone.waitUntil("tomorrow alone shown", b -> shownDays(b).equals(List.of(tomorrow)));
            assertThat(phone.waitFor("#day-nav .day-label").getText()).isNotEqualTo(french);
            phone.click("#prev-day");
            phone.waitUntil("today shown again", b -> shownDays(b).equals(List.of(today)));

            new Select(phone.driver().findElement(By.id("lang"))).selectByValue("ar");
            phone.waitUntil("the day in Arabic", b -> b.driver().findElement(By.cssSelector("#day-nav .day-label"))
                    .getText().codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.ARABIC));
        }
    }

    private static List<String> shownDays(BrowserSession browser) {
        return browser.driver().findElements(By.cssSelector("#week .day")).stream().filter(WebElement::isDisplayed)
                .map(day -> day.getDomAttribute("data-date")).toList();
    }

    private void dermatologistEveryDay() {
        List<Map<String, String>> everyDay = Arrays.stream(DayOfWeek.values())
                .map(day -> Map.of("day", day.name(), "start", "08:00", "end", "20:00")).toList();
        assertThat(coordinatorApi().put("/api/v1/specialists/dr.derm/availability",
                Map.of("specialties", List.of("dermatology"), "weekly", everyDay)).status()).isEqualTo(200);
    }

    private String registerPatient(String name, int birthYear) {
        ApiClient.Response patient = new ApiClient("http://127.0.0.1:" + port).login("nurse1", "demo1234")
                .post("/api/v1/patients", Map.of("fullName", name, "birthYear", birthYear, "sex", "MALE",
                        "teleconsultationConsent", true));
        assertThat(patient.status()).as(patient.body()).isEqualTo(201);
        return patient.json().path("id").asText();
    }

    private ApiClient coordinatorApi() {
        return new ApiClient("http://127.0.0.1:" + port).login("coord1", "demo1234");
    }

    private static Optional<WebElement> freeSlotToday(BrowserSession browser, String today) {
        return browser.driver().findElements(By.cssSelector("#week .day[data-date='" + today + "'] button.slot.free[data-specialist='dr.derm']"))
                .stream().findFirst();
    }
}
