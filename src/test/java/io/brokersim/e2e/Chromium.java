package io.brokersim.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium driven through Selenium, for tests that look at a page the way a person does: Debian's
 * {@code chromium} and {@code chromium-driver} (system properties {@code brokersim.chromium} and
 * {@code brokersim.chromedriver}, default {@code /usr/bin/...}), a fresh profile per browser, no network of its own
 * (no sync, no component updates, no background requests), a fixed window size. Without them a test is skipped,
 * except under CI=true, where it fails. Reusable by any browser test of this suite:
 *
 * <pre>{@code
 * try (Chromium browser = Chromium.start(1280, 800)) {
 *   WebDriver page = browser.driver();
 *   page.get(file.toUri().toString());
 *   ...
 * }
 * }</pre>
 */
final class Chromium implements AutoCloseable {

  static final String BROWSER = System.getProperty("brokersim.chromium", "/usr/bin/chromium");
  static final String DRIVER = System.getProperty("brokersim.chromedriver", "/usr/bin/chromedriver");
  private static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu",
      "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking", "--disable-component-update",
      "--disable-sync");

  private final WebDriver driver;
  private final Path profile;

  private Chromium(WebDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /** Skips the calling test when chromium or chromedriver is missing (fails it under CI=true). */
  static void require() {
    String problem = !Files.isExecutable(Path.of(BROWSER)) ? BROWSER + " not found"
        : !Files.isExecutable(Path.of(DRIVER)) ? DRIVER + " not found" : null;
    if (problem == null) {
      return;
    }
    String message = "headless Chromium is not available (" + problem
        + "); install it with: apt-get install chromium chromium-driver";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(message);
    }
    Assumptions.abort(message);
  }

  /** A browser whose window (and so its first screen) is {@code width} x {@code height} CSS pixels. */
  static Chromium start(int width, int height) throws IOException {
    require();
    Path profile = Files.createTempDirectory("brokersim-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER);
    options.addArguments(FLAGS);
    options.addArguments("--user-data-dir=" + profile, "--window-size=" + width + "," + height);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER))
        .usingAnyFreePort().withTimeout(Duration.ofSeconds(60)).build();
    try {
      ChromeDriver driver = new ChromeDriver(service, options);
      driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
      return new Chromium(driver, profile);
    } catch (RuntimeException e) {
      delete(profile);
      throw e;
    }
  }

  WebDriver driver() {
    return driver;
  }

  /** Saves what the window shows as a PNG (for a person to look at when a test fails). */
  Path screenshot(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    return file;
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      delete(profile);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary profile left behind is harmless
    }
  }
}
