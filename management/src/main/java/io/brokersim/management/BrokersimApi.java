package io.brokersim.management;

import io.brokersim.core.LiveBroker;
import io.brokersim.core.fault.FaultFile;
import io.brokersim.core.fault.FaultInjector;
import io.brokersim.core.fault.FaultPlan;
import io.brokersim.core.fault.FaultRule;
import io.brokersim.core.profile.BrokerProfile;
import io.brokersim.core.trace.FateLedger;
import io.brokersim.core.trace.MessageFate;
import io.brokersim.scenarios.Catalogue;
import io.brokersim.scenarios.FaultFileText;
import io.brokersim.scenarios.RunOptions;
import io.brokersim.scenarios.Scenario;
import io.brokersim.scenarios.ScenarioResult;
import io.brokersim.scenarios.ScenarioRunner;
import io.brokersim.scenarios.report.HtmlReport;
import io.brokersim.scenarios.report.MarkdownReport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.util.ByteString;

/**
 * brokersim's own endpoints beside RabbitMQ's, under {@code /api/brokersim}: fault rules armed, added and removed
 * while the broker runs; the fate of a message by id or correlation_id with the ledger's explanation; the recent
 * RPC calls; the summary of fates; the trace as server-sent events; and the scenario catalogue, run on the
 * deterministic simulator with a seed.
 */
final class BrokersimApi {

  private final LiveBroker broker;
  private final Operator operator;
  private final EventStream events;
  private final ManagementSettings settings;
  private final Materializer materializer;
  private final ExecutorService scenarioRunner;

  BrokersimApi(LiveBroker broker, Operator operator, EventStream events, ManagementSettings settings,
      Materializer materializer, ExecutorService scenarioRunner) {
    this.broker = broker;
    this.operator = operator;
    this.events = events;
    this.settings = settings;
    this.materializer = materializer;
    this.scenarioRunner = scenarioRunner;
  }

  /** Handles {@code /api/brokersim/<path>}. */
  CompletionStage<HttpResponse> handle(Api.Call call) {
    List<String> p = call.path().subList(2, call.size());
    String resource = p.isEmpty() ? "" : p.get(0);
    return switch (resource) {
      case "view" -> p.size() == 1 && call.isGet() ? view() : other(call);
      case "faults" -> faults(call, p);
      case "messages" -> messages(call, p);
      case "calls" -> p.size() == 1 && call.isGet() ? calls() : other(call);
      case "fates" -> p.size() == 1 && call.isGet() ? fates() : other(call);
      case "events" -> p.size() == 1 && call.isGet() ? Api.done(events()) : other(call);
      case "scenarios" -> scenarios(call, p);
      default -> Api.done(Api.notFound());
    };
  }

  private static CompletionStage<HttpResponse> other(Api.Call call) {
    return Api.done(call.isGet() ? Api.notFound() : Api.methodNotAllowed("GET", "HEAD"));
  }

  /**
   * Everything the console shows of the topology, from a {@link io.brokersim.core.actor.BrokerView} per vhost: the lists of
   * {@code /api/queues}, {@code /api/exchanges}, {@code /api/bindings}, {@code /api/connections},
   * {@code /api/channels} and {@code /api/consumers} in one document, with the profile.
   */
  private CompletionStage<HttpResponse> view() {
    return operator.inspect().thenApply(views -> {
      RabbitViews r = RabbitViews.of(views, "brokersim@" + broker.profile().name());
      Map<String, Object> o = Json.object();
      o.put("profile", broker.profile().name());
      o.put("vhost", views.get(0).vhost());
      o.put("vhosts", views.stream().map(io.brokersim.core.actor.BrokerView::vhost).toList());
      o.put("complete", views.stream().allMatch(io.brokersim.core.actor.BrokerView::complete));
      o.put("queues", r.queues());
      o.put("exchanges", r.exchanges());
      o.put("bindings", r.bindings(b -> true));
      o.put("connections", r.connections());
      o.put("channels", r.channels(ch -> true));
      o.put("consumers", r.consumers());
      return Api.ok(o);
    });
  }

  // ----------------------------------------------------------------------------------------- faults

  private CompletionStage<HttpResponse> faults(Api.Call call, List<String> p) {
    FaultInjector injector = broker.faults();
    if (p.size() == 1 && call.isGet()) {
      return Api.done(Api.ok(faultList(injector)));
    }
    if (p.size() == 1 && call.method().equals("POST")) {
      return call.request().entity().toStrict(Duration.ofSeconds(10).toMillis(), settings.maxBodySizeBytes(),
          materializer).thenApply(body -> arm(injector, body.getData().utf8String()));
    }
    if (p.size() == 2 && call.method().equals("DELETE")) {
      return Api.done(injector.disarm(p.get(1)) ? Api.noContent() : Api.notFound());
    }
    if (p.size() == 2 && call.isGet()) {
      return Api.done(injector.armed(p.get(1)).map(a -> Api.ok(rule(injector, a.rule())))
          .orElseGet(Api::notFound));
    }
    return Api.done(p.size() <= 2 ? Api.methodNotAllowed(p.size() == 1 ? new String[] {"GET", "POST"}
        : new String[] {"GET", "DELETE"}) : Api.notFound());
  }

  private static List<Map<String, Object>> faultList(FaultInjector injector) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (FaultRule r : injector.rules()) {
      out.add(rule(injector, r));
    }
    return out;
  }

  private static Map<String, Object> rule(FaultInjector injector, FaultRule r) {
    Map<String, Object> o = Json.object();
    o.put("name", r.name());
    o.put("at", r.at().configName());
    o.put("action", r.action().name());
    o.put("fired", injector.armed(r.name()).map(FaultInjector.Armed::firedCount).orElse(0));
    o.put("definition", FaultFileText.writable(r) ? FaultFileText.of(List.of(r), List.of()) : null);
    return o;
  }

  /**
   * Arms the rules of a fault file (HOCON, or JSON, which is HOCON) posted as the body: all of them, or none when
   * the file has a problem (400 with every problem's field and line, as the fault-file loader reports them) or
   * names a rule that is armed already (409).
   */
  private static HttpResponse arm(FaultInjector injector, String body) {
    FaultPlan plan;
    try {
      plan = FaultFile.parse(body, "the request body");
    } catch (FaultFile.FaultFileException e) {
      Map<String, Object> o = Json.object();
      o.put("error", "bad_request");
      o.put("reason", e.getMessage());
      List<Map<String, Object>> problems = new ArrayList<>();
      for (FaultFile.FaultFileException.Problem pr : e.problems()) {
        Map<String, Object> problem = Json.object();
        problem.put("field", pr.field());
        problem.put("line", pr.line());
        problem.put("message", pr.message());
        problem.put("hint", pr.hint());
        problems.add(problem);
      }
      o.put("problems", problems);
      return Api.json(400, o);
    } catch (IllegalArgumentException e) {
      return Api.badRequest(e.getMessage());
    }
    if (plan.rules().isEmpty()) {
      return Api.badRequest("the fault file in the request body has no rules");
    }
    for (FaultRule r : plan.rules()) {
      if (injector.armed(r.name()).isPresent()) {
        return Api.error(409, "conflict", "a fault rule named '" + r.name()
            + "' is armed already; DELETE /api/brokersim/faults/" + r.name() + " first");
      }
    }
    List<Map<String, Object>> armed = new ArrayList<>();
    for (FaultRule r : plan.rules()) {
      injector.arm(r);
      armed.add(rule(injector, r));
    }
    return Api.json(201, armed);
  }

  // ------------------------------------------------------------------------------- messages, calls

  private Optional<HttpResponse> noLedger() {
    return broker.ledger() != null ? Optional.empty() : Optional.of(Api.notImplemented(
        "this broker runs without a fate ledger (LiveBroker.builder().ledger(false)): no fates to show"));
  }

  private CompletionStage<HttpResponse> messages(Api.Call call, List<String> p) {
    if (!call.isGet()) {
      return Api.done(Api.methodNotAllowed("GET", "HEAD"));
    }
    Optional<HttpResponse> none = noLedger();
    if (none.isPresent()) {
      return Api.done(none.get());
    }
    FateLedger ledger = broker.ledger();
    if (p.size() == 2) {
      String msgId = p.get(1);
      return Api.done(ledger.fateOf(msgId).map(m -> {
        Map<String, Object> o = Json.object();
        o.put("message", FateJson.message(m));
        o.put("explanation", ledger.explain(msgId));
        return Api.ok(o);
      }).orElseGet(Api::notFound));
    }
    if (p.size() == 1) {
      Optional<String> cid = call.query("correlation_id");
      if (cid.isEmpty()) {
        return Api.done(Api.badRequest("give ?correlation_id=... or GET /api/brokersim/messages/{msg_id}"));
      }
      List<MessageFate> found = ledger.byCorrelationId(cid.get());
      if (found.isEmpty()) {
        return Api.done(Api.notFound());
      }
      Map<String, Object> o = Json.object();
      o.put("correlation_id", cid.get());
      o.put("messages", found.stream().map(FateJson::message).toList());
      o.put("explanation", ledger.explainReplyFor(cid.get()));
      return Api.done(Api.ok(o));
    }
    return Api.done(Api.notFound());
  }

  private CompletionStage<HttpResponse> calls() {
    Optional<HttpResponse> none = noLedger();
    if (none.isPresent()) {
      return Api.done(none.get());
    }
    List<RpcCalls.Call> calls = RpcCalls.of(broker.ledger().recent(settings.recentMessages()), settings.recentCalls());
    return Api.done(Api.ok(calls.stream().map(FateJson::call).toList()));
  }

  private CompletionStage<HttpResponse> fates() {
    Optional<HttpResponse> none = noLedger();
    if (none.isPresent()) {
      return Api.done(none.get());
    }
    return Api.done(Api.ok(FateJson.summary(broker.ledger().summary(), broker.ledger().settledKept())));
  }

  // ----------------------------------------------------------------------------------------- events

  private HttpResponse events() {
    var source = events.open(materializer).keepAlive(settings.eventsKeepAlive(),
        () -> ByteString.fromString(": keep-alive\n\n"));
    return HttpResponse.create()
        .addHeader(RawHeader.create("Cache-Control", "no-cache"))
        .withEntity(HttpEntities.createChunked(ContentTypes.create(MediaTypes.TEXT_EVENT_STREAM), source));
  }

  // -------------------------------------------------------------------------------------- scenarios

  private CompletionStage<HttpResponse> scenarios(Api.Call call, List<String> p) {
    if (p.size() == 1) {
      if (!call.isGet()) {
        return Api.done(Api.methodNotAllowed("GET", "HEAD"));
      }
      List<Map<String, Object>> out = new ArrayList<>();
      for (Scenario s : Catalogue.all()) {
        Map<String, Object> o = Json.object();
        o.put("name", s.name());
        o.put("description", s.description());
        o.put("profiles", s.profiles().stream().map(BrokerProfile::name).toList());
        out.add(o);
      }
      return Api.done(Api.ok(out));
    }
    if (p.size() == 3 && p.get(2).equals("run")) {
      if (!call.method().equals("POST")) {
        return Api.done(Api.methodNotAllowed("POST"));
      }
      return run(call, p.get(1));
    }
    return Api.done(Api.notFound());
  }

  /**
   * {@code POST /api/brokersim/scenarios/{name}/run?seed=N&profile=P[&report=html|markdown]}: runs a catalogue
   * scenario on the deterministic simulator (not on this live broker) and answers its verdict, expectations, trace
   * hash and Markdown report as JSON, or with {@code report=html} the one-file HTML report.
   */
  private CompletionStage<HttpResponse> run(Api.Call call, String name) {
    Optional<Scenario> scenario = Catalogue.find(name);
    if (scenario.isEmpty()) {
      return Api.done(Api.notFound());
    }
    long seed;
    try {
      seed = Long.parseLong(call.query("seed").orElse("0"));
    } catch (NumberFormatException e) {
      return Api.done(Api.badRequest("seed must be a whole number, was '" + call.query("seed").orElse("") + "'"));
    }
    Optional<String> profileName = call.query("profile");
    Optional<BrokerProfile> chosen = profileName.isEmpty() ? Optional.of(scenario.get().profiles().get(0))
        : BrokerProfile.byName(profileName.get());
    if (chosen.isEmpty() || !scenario.get().profiles().contains(chosen.get())) {
      return Api.done(Api.badRequest("scenario '" + name + "' runs with profile "
          + String.join(", ", scenario.get().profiles().stream().map(BrokerProfile::name).toList()) + "; got '"
          + profileName.orElse("") + "'"));
    }
    BrokerProfile profile = chosen.get();
    String report = call.query("report").orElse("markdown");
    if (!report.equals("markdown") && !report.equals("html")) {
      return Api.done(Api.badRequest("report must be 'markdown' or 'html', was '" + report + "'"));
    }
    CompletableFuture<ScenarioResult> result;
    try {
      result = CompletableFuture.supplyAsync(() -> ScenarioRunner.run(scenario.get(), seed, profile,
          RunOptions.NONE.withMessageFates()), scenarioRunner);
    } catch (RejectedExecutionException e) {
      return Api.done(Api.error(503, "service_unavailable", "too many scenario runs are waiting; try again"));
    }
    return result.thenApply(r -> report.equals("html")
        ? HttpResponse.create().withEntity(ContentTypes.TEXT_HTML_UTF8,
            HtmlReport.of(r).getBytes(StandardCharsets.UTF_8))
        : Api.ok(runResult(r)));
  }

  private static Map<String, Object> runResult(ScenarioResult r) {
    Map<String, Object> o = Json.object();
    o.put("scenario", r.scenario());
    o.put("seed", r.seed());
    o.put("profile", r.profile());
    o.put("verdict", r.verdict().name());
    o.put("passed", r.passed());
    List<Map<String, Object>> expectations = new ArrayList<>();
    for (ScenarioResult.ExpectationResult e : r.expectations()) {
      Map<String, Object> x = Json.object();
      x.put("description", e.description());
      x.put("holds", e.holds());
      x.put("reason", e.reason());
      expectations.add(x);
    }
    o.put("expectations", expectations);
    o.put("errors", r.errors());
    o.put("calls", r.calls().size());
    o.put("trace_sha256", r.traceSha256());
    o.put("replay", r.replayCommand());
    o.put("report", MarkdownReport.of(r));
    return o;
  }
}
