package dev.gradflow.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gradflow.kafka.broker.EmbeddedKafkaBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The gateway's page (issue 10) in a real browser, against the whole pipeline as separate processes: Debian's
 * headless chromium, driven through Debian's chromedriver by Selenium, loads {@code /}, sends the chapter's examples
 * through the pipeline, and the assertions read what the page shows: the server's picture inlined, the gradient
 * vector, the chain panel, the errors, a job's progress.
 *
 * <p>Skipped, with the command that installs them, where chromium or chromedriver is missing. Both are named by
 * path ({@code -Dgradflow.chromium}, {@code -Dgradflow.chromedriver}; {@code /usr/bin/...} by default), so Selenium
 * Manager never looks for, or downloads, a browser or a driver.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GraphPageIT {
    private static final Path CHROMIUM = Path.of(System.getProperty("gradflow.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("gradflow.chromedriver",
            "/usr/bin/chromedriver"));
    private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(90);
    /** Quiet: Selenium warns that it has no DevTools bindings for this chromium, which this test never uses. */
    private static final Logger DEVTOOLS_LOG = Logger.getLogger("org.openqa.selenium.devtools");

    private final Path repository = Path.of(System.getProperty("gradflow.repository.root", ".."));
    private final List<ServiceProcess> services = new ArrayList<>();
    private EmbeddedKafkaBroker broker;
    private String baseUrl;
    private Path userDataDir;
    private Path screenshots;
    private ChromeDriverService driverService;
    private WebDriver browser;
    /** Why the tests cannot run here (no chromium or no chromedriver), or null. */
    private String missingBrowser;

    @BeforeAll
    void startPipelineAndBrowser() throws Exception {
        for (Path binary : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(binary) && missingBrowser == null) {
                missingBrowser = binary + " is missing, so the page's browser test is skipped; install chromium"
                        + " and its driver with: apt-get install chromium chromium-driver";
                System.err.println("GraphPageIT: " + missingBrowser);
            }
        }
        if (missingBrowser != null) {
            return;
        }
        broker = EmbeddedKafkaBroker.builder().start();
        for (String module : List.of("forward-service", "gradient-service", "job-service", "gateway")) {
            services.add(ServiceProcess.start(repository, module, broker.bootstrapServers()));
        }
        // The browser starts while the services do.
        startBrowser();
        for (ServiceProcess service : services) {
            service.awaitReady(Duration.ofSeconds(90));
        }
        baseUrl = services.get(3).baseUrl();
    }

    private void startBrowser() throws IOException {
        Path target = repository.resolve("pipeline-tests/target");
        screenshots = Files.createDirectories(Path.of(System.getProperty("gradflow.page.screenshots",
                target.resolve("page-screens").toString())));
        userDataDir = Files.createTempDirectory("gradflow-chromium-");
        DEVTOOLS_LOG.setLevel(Level.SEVERE);
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER.toString());
        driverService = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(Files.createDirectories(target.resolve("service-logs"))
                        .resolve("chromedriver-" + System.currentTimeMillis() + ".log").toFile())
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--user-data-dir=" + userDataDir, "--window-size=1600,1200", "--no-first-run",
                "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--lang=en-US");
        browser = new ChromeDriver(driverService, options);
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (driverService != null) {
            driverService.stop();
        }
        for (ServiceProcess service : services) {
            service.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (userDataDir != null) {
            try (Stream<Path> files = Files.walk(userDataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    /** Each test is reported as skipped, with the reason, where the browser is missing. */
    @BeforeEach
    void requireBrowser() {
        assumeTrue(missingBrowser == null, () -> missingBrowser);
    }

    /** A picture of the page after every test, passed or failed, in pipeline-tests/target/page-screens/. */
    @AfterEach
    void screenshot(TestInfo test) throws IOException {
        if (browser != null) {
            byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
            Files.write(screenshots.resolve(test.getTestMethod().orElseThrow().getName() + ".png"), png);
        }
    }

    @Test
    void chainRuleExampleShowsNineHundredSixtyAsTwoHundredFortyTimesFour() {
        openPage();
        choose("chain-rule");
        assertThat(browser.findElement(By.id("definition")).getDomProperty("value")).contains("\"g5\"");
        submitAndAwaitPicture();

        assertThat(browser.findElements(By.cssSelector("#picture > svg"))).as("the inlined SVG").hasSize(1);
        assertThat(arrowTexts()).as("the arrows' text").anySatisfy(text -> assertThat(text)
                .contains("∂ 80 × ↑ 3 = 240"));
        assertThat(boxText("x")).as("the box of x").contains("grad 960");
        assertThat(gradient("x")).isEqualTo("960");

        assertThat(new Select(browser.findElement(By.id("chain-leaf"))).getFirstSelectedOption()
                .getDomAttribute("value")).as("the chain's default leaf, the first input").isEqualTo("x");
        List<WebElement> paths = browser.findElements(By.cssSelector("#chain .chain-path"));
        assertThat(paths).hasSize(1);
        assertThat(paths.get(0).getText()).contains("x", "x2", "g", "g5", "h").contains("2 × 2 × 80 × 3 = 960");
        WebElement viaG = browser.findElement(By.cssSelector("#chain .chain-split[data-via='g']"));
        assertThat(viaG.getText()).contains("∂h/∂x = ∂h/∂g × ∂g/∂x").contains("= 240 × 4 = 960");
        assertThat(browser.findElement(By.cssSelector("#chain .chain-check")).getDomAttribute("class"))
                .contains("ok");
    }

    @Test
    void polynomialShowsTheGradientVectorAndZsThreePaths() {
        openPage();
        choose("polynomial");
        submitAndAwaitPicture();

        assertThat(gradient("x")).as("∂f/∂x = 9x²z").isEqualTo("27");
        assertThat(gradient("y")).as("∂f/∂y = −2y + 2z").isEqualTo("2");
        assertThat(gradient("z")).as("∂f/∂z = 3x³ + 5 + 2y").isEqualTo("12");
        assertThat(browser.findElement(By.id("output-value")).getText()).isEqualTo("f = 32");

        new Select(browser.findElement(By.id("chain-leaf"))).selectByValue("z");
        List<WebElement> paths = browser.findElements(By.cssSelector("#chain .chain-path"));
        assertThat(paths).as("z is used three times").hasSize(3);
        assertThat(paths).extracting(path -> Double.parseDouble(path.getDomAttribute("data-product")))
                .containsExactlyInAnyOrder(3.0, 5.0, 4.0);
        WebElement sum = browser.findElement(By.cssSelector("#chain .chain-sum"));
        assertThat(sum.getDomAttribute("data-sum")).isEqualTo("12");
        assertThat(sum.getText()).startsWith("∂f/∂z = ").endsWith("= 12");
        assertThat(boxText("z")).as("the box of z shows its gradient as the sum of three contributions")
                .contains("grad 12 = ");
    }

    @Test
    void maxAtItsKinkGivesTheWholeGradientToTheSecondInput() {
        openPage();
        choose("max");
        submitAndAwaitPicture();

        assertThat(gradient("x")).isEqualTo("0");
        assertThat(gradient("y")).isEqualTo("1");
    }

    @Test
    void aLayerListDrawsItsLayersAsBoxesThatExpandIntoTheirOps() {
        openPage();
        choose("mlp");
        submitAndAwaitPicture();
        assertThat(boxNames()).contains("x", "dense1", "dense2", "loss").doesNotContain("dense1.matmul");

        browser.findElement(By.cssSelector("#expand .expand-layer[data-layer='dense1']")).click();
        waitUpTo(PAGE_TIMEOUT).until(b -> boxNames().contains("dense1.matmul"));
        assertThat(boxNames()).contains("dense1.matmul", "dense1.linear", "dense1.relu", "dense2")
                .doesNotContain("dense1");
        assertThat(browser.findElement(By.id("picture-error")).isDisplayed()).isFalse();
    }

    @Test
    void anInvalidPastedDefinitionShowsTheFieldOfThe400() {
        openPage();
        choose("custom");
        setValue("definition", """
                {"kind": "graph", "inputs": {"x": {"shape": []}},
                 "nodes": [{"name": "y", "op": "mul", "inputs": ["x", "q"]}], "output": "y"}""");
        setValue("batch", "{\"inputs\": {\"x\": 1}}");
        browser.findElement(By.id("submit")).click();

        WebElement error = waitUpTo(PAGE_TIMEOUT).until(b -> {
            WebElement box = b.findElement(By.id("error"));
            return box.isDisplayed() ? box : null;
        });
        assertThat(error.getDomAttribute("data-status")).isEqualTo("400");
        assertThat(error.getDomAttribute("data-field")).isEqualTo("nodes[0].inputs[1]");
        assertThat(error.getText()).contains("400", "POST /networks", "nodes[0].inputs[1]", "\"q\"");
    }

    @Test
    void aJobShowsItsProgressAndLossCurveAndCanBeCancelled() {
        openPage();
        waitUpTo(PAGE_TIMEOUT).until(b -> b.findElement(By.id("job")).getDomProperty("value")
                .contains("spiral"));
        // The chapter's training job, long enough to be cancelled while it runs.
        String job = browser.findElement(By.id("job")).getDomProperty("value")
                .replaceFirst("\"epochs\":\\s*\\d+", "\"epochs\": 2000");
        setValue("job", job);
        browser.findElement(By.id("job-submit")).click();

        waitUpTo(PAGE_TIMEOUT).until(b -> pointsOfLossCurve() >= 3);
        assertThat(browser.findElement(By.id("job-status")).getText()).isEqualTo("running");
        assertThat(browser.findElement(By.id("job-loss")).getText()).matches("\\d+\\.\\d{6}");
        assertThat(browser.findElement(By.id("job-epoch")).getText()).matches("\\d+ / 2000");

        browser.findElement(By.id("job-cancel")).click();
        waitUpTo(PAGE_TIMEOUT).until(b -> "cancelled".equals(b.findElement(By.tagName("body"))
                .getDomAttribute("data-job-status")));
        assertThat(browser.findElement(By.id("job-status")).getText()).isEqualTo("cancelled");
        assertThat(browser.findElement(By.id("job-cancel")).isEnabled()).isFalse();
        assertThat(browser.findElement(By.id("job-error")).isDisplayed()).isFalse();
    }

    private void openPage() {
        browser.get(baseUrl + "/");
        waitUpTo(Duration.ofSeconds(30)).until(b -> "true".equals(b.findElement(By.tagName("body"))
                .getDomAttribute("data-ready")));
    }

    /** Picks an example and waits until its files fill the two fields. */
    private void choose(String example) {
        new Select(browser.findElement(By.id("example"))).selectByValue(example);
        waitUpTo(Duration.ofSeconds(30)).until(b -> example.equals(b.findElement(By.tagName("body"))
                .getDomAttribute("data-example")));
    }

    /** Presses the button and waits for the whole answer: picture, gradient vector, chain panel. */
    private void submitAndAwaitPicture() {
        WebElement body = browser.findElement(By.tagName("body"));
        String before = body.getDomAttribute("data-batch");
        browser.findElement(By.id("submit")).click();
        try {
            waitUpTo(PAGE_TIMEOUT).until(b -> !Objects.equals(before, body.getDomAttribute("data-batch"))
                    || b.findElement(By.id("error")).isDisplayed());
        } catch (TimeoutException e) {
            throw new AssertionError("no answer in the page after " + PAGE_TIMEOUT + "; status: "
                    + browser.findElement(By.id("status")).getText(), e);
        }
        WebElement error = browser.findElement(By.id("error"));
        assertThat(error.isDisplayed()).as("the page shows an error: %s", error.getText()).isFalse();
        WebElement pictureError = browser.findElement(By.id("picture-error"));
        assertThat(pictureError.isDisplayed()).as("the picture's error: %s", pictureError.getText()).isFalse();
    }

    /** The text of every arrow in the inlined picture, its lines joined by newlines. */
    @SuppressWarnings("unchecked")
    private List<String> arrowTexts() {
        return (List<String>) script("return [...document.querySelectorAll('#picture g.arrow')].map(g =>"
                + " [...g.querySelectorAll('text')].map(t => t.textContent).join('\\n'));");
    }

    /** The names on the boxes of the inlined picture. */
    @SuppressWarnings("unchecked")
    private List<String> boxNames() {
        return (List<String>) script("return [...document.querySelectorAll('#picture g.box')]"
                + ".map(g => g.getAttribute('data-name'));");
    }

    /** The text of a node's box in the inlined picture. */
    private String boxText(String name) {
        return (String) script("const box = [...document.querySelectorAll('#picture g.box')]"
                + ".find(g => g.getAttribute('data-name') === arguments[0]);"
                + " return box ? [...box.querySelectorAll('text')].map(t => t.textContent).join('\\n') : null;",
                name);
    }

    /** The gradient vector's entry for a leaf, as the page writes it. */
    private String gradient(String leaf) {
        return browser.findElement(By.cssSelector("#gradient-table tr.gradient-row[data-name='" + leaf + "']"
                + " .gradient-value")).getText();
    }

    private long pointsOfLossCurve() {
        return (Long) script("const line = document.querySelector('#loss-curve .loss-line');"
                + " return line ? line.getAttribute('points').trim().split(/\\s+/).length : 0;");
    }

    private void setValue(String id, String value) {
        script("document.getElementById(arguments[0]).value = arguments[1];", id, value);
    }

    private Object script(String source, Object... arguments) {
        return ((JavascriptExecutor) browser).executeScript(source, arguments);
    }

    private WebDriverWait waitUpTo(Duration timeout) {
        return new WebDriverWait(browser, timeout, Duration.ofMillis(100));
    }
}
