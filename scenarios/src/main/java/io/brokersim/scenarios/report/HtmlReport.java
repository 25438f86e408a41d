package io.brokersim.scenarios.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brokersim.core.trace.TraceEvent;
import io.brokersim.core.trace.TraceJson;
import io.brokersim.core.trace.TraceRecord;
import io.brokersim.scenarios.RpcCall;
import io.brokersim.scenarios.ScenarioResult;
import io.brokersim.scenarios.VirtualTime;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTML report of one run, as one self-contained file (styles and script inlined, no network): the verdict and
 * what failed, naming the failing calls, on the first screen; then the sequence diagram of those calls as SVG, whose
 * arrows and notes open the fate of their message and call; the calls, the explanations, the expectations, the
 * fault rules, what the scenario teaches, and the whole trace with a filter.
 */
public final class HtmlReport {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CSS = resource("report.css");
  private static final String JS = resource("report.js");
  private static final Pattern RECORD_PREFIX = Pattern.compile("^\\{\"seq\":-?\\d+,\"t\":-?\\d+,\"kind\":\"[^\"]*\",?");
  private static final Pattern CODE = Pattern.compile("`([^`]+)`");
  private static final Pattern BOLD = Pattern.compile("\\*\\*([^*]+)\\*\\*");

  private HtmlReport() {}

  /** The report of {@code r}; message fates appear when the run kept them ({@code RunOptions.withMessageFates}). */
  public static String of(ScenarioResult r) {
    Map<String, String> callOfMessage = callOfMessage(r);
    Diagram diagram = SequenceDiagram.diagram(r);
    StringBuilder b = new StringBuilder(64 * 1024);
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
        .append(e(r.scenario() + ": " + r.verdict())).append("</title>\n<style>\n").append(CSS)
        .append("</style>\n</head>\n<body>\n");

    b.append("<header>\n<h1>").append(e(r.scenario())).append(" <span class=\"badge ").append(r.verdict())
        .append("\" id=\"verdict\">").append(r.verdict()).append("</span></h1>\n");
    b.append("<p class=\"facts\">profile ").append(e(r.profile())).append(" &middot; seed ").append(r.seed())
        .append(" &middot; virtual time ").append(e(VirtualTime.format(r.virtualNanos()).substring(2)))
        .append(" &middot; ").append(r.calls().size()).append(" calls &middot; trace-sha256 <code>")
        .append(e(r.traceSha256())).append("</code></p>\n");
    b.append("<p>").append(e(r.description())).append("</p>\n");
    b.append("<p id=\"verdict-text\">").append(inline(ReportText.verdict(r))).append("</p>\n</header>\n");

    failed(b, r);

    b.append("<section id=\"sequence\">\n<h2>Sequence</h2>\n<p class=\"caption\">")
        .append(e(ReportText.diagramCaption(r, diagram)))
        .append(" Click an arrow or a note for the fate of its message and call.</p>\n<div class=\"diagram\">\n")
        .append(SvgDiagram.of(diagram)).append("\n</div>\n");
    for (String f : diagram.footnotes()) {
      b.append("<p class=\"footnote\">").append(e(f)).append("</p>\n");
    }
    b.append("</section>\n");

    b.append("<aside id=\"details\" hidden>\n<button class=\"close\" id=\"details-close\" aria-label=\"close\">")
        .append("&times;</button>\n<h3 id=\"details-title\"></h3>\n<div id=\"details-body\"></div>\n</aside>\n");

    b.append("<p>Replay: <code id=\"replay\">").append(e(r.replayCommand())).append("</code></p>\n");

    if (!r.explanations().isEmpty()) {
      b.append("<section id=\"why\">\n<h2>Why</h2>\n");
      for (ScenarioResult.Explanation x : r.explanations()) {
        b.append("<p>").append(callLink(x.correlationId())).append(": ").append(e(x.client())).append("</p>\n<pre>")
            .append(e(x.broker())).append("</pre>\n");
      }
      b.append("</section>\n");
    }

    calls(b, r);
    expectations(b, r);
    faults(b, r);

    b.append("<section id=\"teaching\">\n<h2>").append(e(ReportText.teachingHeading(r))).append("</h2>\n");
    String caveat = ReportText.teachingCaveat(r);
    if (caveat != null) {
      b.append("<p class=\"muted\"><em>").append(e(caveat)).append("</em></p>\n");
    }
    for (String paragraph : r.teaching().split("\n\\s*\n")) {
      b.append("<p>").append(inline(paragraph)).append("</p>\n");
    }
    b.append("</section>\n");

    trace(b, r, callOfMessage);

    b.append("<script type=\"application/json\" id=\"report-data\">").append(data(r, callOfMessage))
        .append("</script>\n<script>\n").append(JS).append("</script>\n</body>\n</html>\n");
    return b.toString();
  }

  private static void failed(StringBuilder b, ScenarioResult r) {
    if (r.passed()) {
      return;
    }
    Map<String, ScenarioResult.CallReport> calls = new HashMap<>();
    for (ScenarioResult.CallReport c : r.calls()) {
      calls.put(c.call().correlationId(), c);
    }
    b.append("<section class=\"failed\" id=\"failed\">\n<h2>What failed</h2>\n<ul>\n");
    for (String error : r.errors()) {
      b.append("<li>the scenario's code threw: ").append(e(error)).append("</li>\n");
    }
    for (ScenarioResult.ExpectationResult x : r.expectations()) {
      if (x.holds()) {
        continue;
      }
      b.append("<li><strong>").append(e(x.description())).append("</strong>: ").append(e(x.reason()));
      for (String id : x.calls()) {
        ScenarioResult.CallReport c = calls.get(id);
        b.append("<br>").append(callLink(id)).append(" <span class=\"chain\">")
            .append(e(c == null ? "" : c.chain())).append("</span>");
      }
      b.append("</li>\n");
    }
    b.append("</ul>\n</section>\n");
  }

  private static void calls(StringBuilder b, ScenarioResult r) {
    b.append("<section id=\"calls\">\n<h2>Calls</h2>\n");
    if (r.calls().isEmpty()) {
      b.append("<p>No RPC call was made.</p>\n</section>\n");
      return;
    }
    b.append("<table>\n<thead><tr><th>call</th><th>caller</th><th>for the caller</th><th>what happened</th>")
        .append("<th>request message</th><th>replies</th></tr></thead>\n<tbody>\n");
    List<String> failing = r.failingCalls();
    for (ScenarioResult.CallReport c : r.calls()) {
      RpcCall call = c.call();
      boolean bad = failing.contains(call.correlationId()) || !call.answeredOnce();
      b.append("<tr id=\"call-").append(e(call.correlationId())).append("\" data-call=\"")
          .append(e(call.correlationId())).append('"').append(bad ? " class=\"bad\"" : "").append("><td>")
          .append(e(call.correlationId())).append("</td><td>").append(e(call.requester())).append("</td><td>")
          .append(e(call.summary())).append("</td><td>").append(e(c.chain())).append("</td><td>")
          .append(e(c.request())).append("</td><td>")
          .append(c.replies().isEmpty() ? "none published" : e(String.join("\n", c.replies())).replace("\n", "<br>"))
          .append("</td></tr>\n");
    }
    b.append("</tbody>\n</table>\n</section>\n");
  }

  private static void expectations(StringBuilder b, ScenarioResult r) {
    b.append("<section id=\"expectations\">\n<h2>Expectations</h2>\n<table>\n<thead><tr><th></th>")
        .append("<th>expectation</th><th>because</th></tr></thead>\n<tbody>\n");
    for (ScenarioResult.ExpectationResult x : r.expectations()) {
      String v = x.holds() ? "PASS" : "FAIL";
      b.append("<tr><td class=\"").append(v).append("\">").append(v).append("</td><td>").append(e(x.description()))
          .append("</td><td>").append(e(x.reason())).append("</td></tr>\n");
    }
    b.append("</tbody>\n</table>\n");
    if (!r.errors().isEmpty()) {
      b.append("<h3>Errors in the scenario's code</h3>\n<ul>\n");
      for (String x : r.errors()) {
        b.append("<li>").append(e(x)).append("</li>\n");
      }
      b.append("</ul>\n");
    }
    b.append("</section>\n");
  }

  private static void faults(StringBuilder b, ScenarioResult r) {
    if (r.faults().isEmpty()) {
      return;
    }
    b.append("<section id=\"faults\">\n<h2>Fault rules</h2>\n<table>\n<thead><tr><th>rule</th><th>from</th>")
        .append("<th>what</th><th>fired</th></tr></thead>\n<tbody>\n");
    for (ScenarioResult.FaultReport f : r.faults()) {
      b.append("<tr><td><code>").append(e(f.rule())).append("</code></td><td>").append(e(f.source()))
          .append("</td><td>").append(e(f.description())).append("</td><td>").append(f.fired()).append("</td></tr>\n");
    }
    b.append("</tbody>\n</table>\n</section>\n");
  }

  private static void trace(StringBuilder b, ScenarioResult r, Map<String, String> callOfMessage) {
    b.append("<section id=\"trace\">\n<h2>Trace</h2>\n<div class=\"filters\">")
        .append("<input type=\"search\" id=\"trace-filter\" placeholder=\"filter: words, a message id, a call\" ")
        .append("aria-label=\"filter the trace\"> <label><input type=\"checkbox\" id=\"trace-selected\"> only the ")
        .append("selected call</label> <span id=\"trace-count\" class=\"muted\"></span></div>\n")
        .append("<table id=\"trace-table\">\n<thead><tr><th>seq</th><th>time</th><th>event</th><th>details</th>")
        .append("</tr></thead>\n<tbody>\n");
    TraceJson json = new TraceJson();
    for (TraceRecord rec : r.trace()) {
      String msg = messageOf(rec.event());
      String call = msg == null ? null : callOfMessage.get(msg);
      int length = json.encode(rec);
      String line = new String(json.bytes(), 0, length, StandardCharsets.UTF_8).strip();
      Matcher m = RECORD_PREFIX.matcher(line);
      String details = m.find() ? "{" + line.substring(m.end()) : line;
      b.append("<tr");
      if (msg != null) {
        b.append(" data-msg=\"").append(e(msg)).append('"');
      }
      if (call != null) {
        b.append(" data-call=\"").append(e(call)).append('"');
      }
      b.append("><td>").append(rec.seq()).append("</td><td>")
          .append(e(VirtualTime.format(rec.virtualNanos()).substring(2))).append("</td><td>")
          .append(e(rec.event().kind())).append("</td><td><code>").append(e(details)).append("</code></td></tr>\n");
    }
    b.append("</tbody>\n</table>\n</section>\n");
  }

  /** The data the script shows on a click: every message's fate, every call's account. */
  private static String data(ScenarioResult r, Map<String, String> callOfMessage) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode messages = root.putObject("messages");
    for (ScenarioResult.MessageReport m : r.messages()) {
      ObjectNode o = messages.putObject(m.msgId());
      o.put("fate", m.fate());
      o.put("explanation", m.explanation());
      o.put("call", callOfMessage.get(m.msgId()));
    }
    Map<String, String> why = new HashMap<>();
    for (ScenarioResult.Explanation x : r.explanations()) {
      why.put(x.correlationId(), x.client() + "\n" + x.broker());
    }
    ObjectNode calls = root.putObject("calls");
    for (ScenarioResult.CallReport c : r.calls()) {
      ObjectNode o = calls.putObject(c.call().correlationId());
      o.put("summary", c.call().summary());
      o.put("chain", c.chain());
      o.put("request", c.request());
      o.put("replies", c.replies().isEmpty() ? "none published" : String.join("\n", c.replies()));
      o.put("why", why.get(c.call().correlationId()));
    }
    try {
      // "</" would end the script element early.
      return JSON.writeValueAsString(root).replace("</", "<\\/");
    } catch (JsonProcessingException x) {
      throw new IllegalStateException("cannot write the report's data", x);
    }
  }

  /** Which call each message belongs to: by correlation_id, inherited by dead letters and fault copies. */
  private static Map<String, String> callOfMessage(ScenarioResult r) {
    Map<String, String> out = new HashMap<>();
    for (TraceRecord rec : r.trace()) {
      TraceEvent ev = rec.event();
      if (ev instanceof TraceEvent.Published p && p.correlationId() != null) {
        out.put(p.msgId(), p.correlationId());
      } else if (ev instanceof TraceEvent.DeadLettered d && out.containsKey(d.msgId())) {
        out.put(d.newMsgId(), out.get(d.msgId()));
      } else if (ev instanceof TraceEvent.FaultInjected f && f.newMsgId() != null && out.containsKey(f.msgId())) {
        out.put(f.newMsgId(), out.get(f.msgId()));
      }
    }
    return out;
  }

  private static String messageOf(TraceEvent ev) {
    if (ev instanceof TraceEvent.MessageEvent m) {
      return m.msgId();
    }
    return ev instanceof TraceEvent.FaultInjected f ? f.msgId() : null;
  }

  private static String callLink(String id) {
    return "<a class=\"call\" href=\"#call-" + e(id) + "\" data-call=\"" + e(id) + "\">" + e(id) + "</a>";
  }

  /** Escaped text with {@code `code`} spans and {@code **bold**} as Markdown writes them. */
  private static String inline(String markdown) {
    String escaped = e(markdown.replace("\n", " "));
    escaped = CODE.matcher(escaped).replaceAll(m -> Matcher.quoteReplacement("<code>" + m.group(1) + "</code>"));
    return BOLD.matcher(escaped).replaceAll(m -> Matcher.quoteReplacement("<strong>" + m.group(1) + "</strong>"));
  }

  private static String e(String text) {
    return Html.escape(text);
  }

  private static String resource(String name) {
    try (InputStream in = HtmlReport.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the report asset " + name + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException x) {
      throw new UncheckedIOException(x);
    }
  }
}
