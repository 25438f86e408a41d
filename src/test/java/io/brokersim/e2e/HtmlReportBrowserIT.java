package io.brokersim.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.scenarios.RunOptions;
import io.brokersim.scenarios.ScenarioResult;
import io.brokersim.scenarios.ScenarioRunner;
import io.brokersim.scenarios.report.HtmlReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/** The HTML report of a failing 100-call run, in headless Chromium at 1280 x 800, offline. */
class HtmlReportBrowserIT {

  private static final int WIDTH = 1280;
  private static final int HEIGHT = 800;

  @Test
  void htmlReport_failing100CallRun_showsTheFailingCallOnTheFirstScreen_andOpensItsFate(@TempDir Path dir)
      throws Exception {
    Chromium.require();
    ScenarioResult r = ScenarioRunner.run(new HundredCallsOneLost(), 1, BrokerProfile.LAVINMQ,
        RunOptions.NONE.withMessageFates());
    assertEquals(100, r.calls().size());
    assertEquals(1, r.failingCalls().size(), r.failingCalls().toString());
    String call = r.failingCalls().get(0);
    Path report = dir.resolve("report.html");
    Files.writeString(report, HtmlReport.of(r), StandardCharsets.UTF_8);

    try (Chromium browser = Chromium.start(WIDTH, HEIGHT)) {
      WebDriver page = browser.driver();
      page.get(report.toUri().toString());
      JavascriptExecutor js = (JavascriptExecutor) page;
      try {
        assertEquals("FAIL", page.findElement(By.id("verdict")).getText());

        // On the first screen: what failed, naming the call, and the diagram's first arrow of that call.
        WebElement named = page.findElement(By.cssSelector("#failed a.call"));
        assertEquals(call, named.getText());
        assertOnFirstScreen(js, named, "the failing call in 'What failed'");
        WebElement firstArrow = page.findElement(By.cssSelector("svg .step[data-call='" + call + "']"));
        assertOnFirstScreen(js, firstArrow, "the failing call's first arrow in the diagram");
        List<WebElement> steps = page.findElements(By.cssSelector("svg .step[data-call]"));
        for (WebElement s : steps) {
          assertEquals(call, s.getAttribute("data-call"), "the diagram draws the failing call's messages only");
        }
        assertTrue(page.findElement(By.id("sequence")).getText().contains("99 more calls not shown: 99 answered once"));

        // A click on the fault's note opens the lost reply's fate, in the fate ledger's words.
        assertTrue(!page.findElement(By.id("details")).isDisplayed());
        WebElement fault = page.findElements(By.cssSelector("svg .step.note[data-call='" + call + "']")).stream()
            .filter(s -> s.getText().contains("fault rule drop-a-reply")).findFirst().orElseThrow();
        fault.click();
        WebElement details = page.findElement(By.id("details"));
        assertTrue(details.isDisplayed());
        String fate = details.getText();
        assertTrue(fate.contains("was dropped by fault rule 'drop-a-reply'"), fate);
        assertTrue(fate.contains("timed out"), "and what its caller saw: " + fate);
        assertTrue(fault.getAttribute("class").contains("selected"), "the clicked call is highlighted");

        // The trace filters down to the failing call's events.
        WebElement filter = page.findElement(By.id("trace-filter"));
        filter.sendKeys(call);
        long visible = ((Number) js.executeScript(
            "return Array.from(document.querySelectorAll('#trace-table tbody tr')).filter(r => !r.hidden).length;"))
            .longValue();
        long all = ((Number) js.executeScript("return document.querySelectorAll('#trace-table tbody tr').length;"))
            .longValue();
        assertEquals(r.trace().size(), all);
        assertTrue(visible > 0 && visible < all / 10, visible + " of " + all);
        assertEquals(visible + " of " + all + " events", page.findElement(By.id("trace-count")).getText());
        page.findElement(By.id("trace-selected")).click();
        filter.clear();
        filter.sendKeys(" ");
        // Every event of the call's messages (routed, delivered, acked carry no correlation_id of their own).
        @SuppressWarnings("unchecked")
        List<String> calls = (List<String>) js.executeScript("return Array.from(document.querySelectorAll("
            + "'#trace-table tbody tr')).filter(r => !r.hidden).map(r => r.getAttribute('data-call'));");
        assertTrue(calls.size() > visible, calls.size() + " events of the selected call, " + visible + " naming it");
        assertTrue(calls.stream().allMatch(call::equals), calls.toString());
      } finally {
        js.executeScript("window.scrollTo(0, 0)");
        browser.screenshot(Path.of("target", "browser", "hundred-calls-report.png"));
      }
    }
  }

  private static void assertOnFirstScreen(JavascriptExecutor js, WebElement e, String what) {
    @SuppressWarnings("unchecked")
    List<Number> box = (List<Number>) js.executeScript("var r = arguments[0].getBoundingClientRect();"
        + "return [r.top, r.bottom, r.left, window.innerHeight, window.innerWidth];", e);
    double top = box.get(0).doubleValue();
    double bottom = box.get(1).doubleValue();
    double left = box.get(2).doubleValue();
    assertTrue(top >= 0 && bottom <= box.get(3).doubleValue() && left < box.get(4).doubleValue(),
        what + " is not on the first screen: " + box);
  }
}
