package io.brokersim.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HeadersRoutingTest {

  private static boolean matches(Map<String, Object> bindingArgs, Map<String, Object> headers) {
    BindingTable<String> t = BindingTable.create(ExchangeType.HEADERS);
    t.add(new Binding<>("q", "ignored", bindingArgs));
    return t.route("any key", headers).equals(List.of("q"));
  }

  @ParameterizedTest(name = "[{0}] vs [{1}] -> {2}")
  @CsvSource({
      // all (the default)
      "'a=S:1;b=S:2',                   'a=S:1;b=S:2;c=S:3', true",
      "'a=S:1;b=S:2',                   'a=S:1',             false",
      "'a=S:1;b=S:2',                   'a=S:1;b=S:9',       false",
      "'x-match=S:all;a=S:1;b=S:2',     'b=S:2;a=S:1',       true",
      "'x-match=S:all;a=S:1',           'A=S:1',             false",  // names are case-sensitive
      "'a=S:1',                         '-',                 false",
      "'a=S:1',                         '',                  false",
      // all with nothing to check matches everything, headers or not
      "'',                              '-',                 true",
      "'',                              'a=S:1',             true",
      "'x-match=S:all',                 '-',                 true",
      "'x-match=S:all;x-foo=S:bar',     '',                  true",
      // any
      "'x-match=S:any;a=S:1;b=S:2',     'b=S:2',             true",
      "'x-match=S:any;a=S:1;b=S:2',     'a=S:9;b=S:9',       false",
      "'x-match=S:any;a=S:1;b=S:2',     '-',                 false",
      // any with nothing to check matches nothing
      "'x-match=S:any',                 'a=S:1',             false",
      "'x-match=S:any;x-foo=S:bar',     'x-foo=S:bar',       false",
      // x- arguments are ignored by all/any, message x- headers are not filtered
      "'a=S:1;x-key=S:v',               'a=S:1',             true",
      "'x-match=S:any;x-key=S:v',       'x-key=S:v',         false",
      // ... but considered by the -with-x variants
      "'x-match=S:all-with-x;x-k=S:v',  'x-k=S:v',           true",
      "'x-match=S:all-with-x;x-k=S:v',  'x-k=S:w',           false",
      "'x-match=S:all-with-x;x-k=S:v',  '',                  false",
      "'x-match=S:all-with-x',          '',                  true",   // x-match itself is never a condition
      "'x-match=S:all-with-x',          'x-match=S:any',     true",
      "'x-match=S:any-with-x;x-k=S:v;a=S:1', 'x-k=S:v',      true",
      "'x-match=S:any-with-x;x-k=S:v;a=S:1', 'a=S:1',        true",
      "'x-match=S:any-with-x;x-k=S:v;a=S:1', 'a=S:2',        false",
      "'x-match=S:any-with-x',          'x-match=S:any-with-x', false",
      // void argument: presence of the header, any value
      "'h=V',                           'h=S:anything',      true",
      "'h=V',                           'h=V',               true",
      "'h=V',                           'h=I:0',             true",
      "'h=V',                           'g=S:x',             false",
      "'x-match=S:any;h=V;a=S:1',       'h=l:5',             true",
      // a void header matches only a void argument
      "'h=S:',                          'h=V',               false",
      // integers of every width compare by value
      "'n=I:1',                         'n=l:1',             true",
      "'n=l:1',                         'n=b:1',             true",
      "'n=s:-3',                        'n=I:-3',            true",
      "'n=I:7',                         'n=i:7',             true",
      "'n=B:255',                       'n=s:255',           true",
      "'n=L:-1',                        'n=l:-1',            true",
      "'n=I:1',                         'n=l:2',             false",
      // floats compare by value, never equal to integers
      "'n=d:1.5',                       'n=f:1.5',           true",
      "'n=f:0.1',                       'n=d:0.1',           false",  // 0.1f is not 0.1
      "'n=I:1',                         'n=d:1.0',           false",
      "'n=d:1.0',                       'n=I:1',             false",
      // strings and byte arrays are both binaries
      "'s=S:abc',                       's=x:abc',           true",
      "'s=x:abc',                       's=S:abc',           true",
      "'s=S:abc',                       's=S:abd',           false",
      "'s=S:1',                         's=I:1',             false",
      // booleans and decimals
      "'b=t:true',                      'b=t:true',          true",
      "'b=t:true',                      'b=I:1',             false",
      "'d=D:1.50',                      'd=D:1.50',          true",
      "'d=D:1.5',                       'd=D:1.50',          false",
      // timestamps: the header side becomes milliseconds (mc_amqpl:routing_value/2)
      "'t=T:5',                         't=T:5',             false",
      "'t=l:5000',                      't=T:5',             true",
      "'t=T:5',                         't=l:5',             true",
      "'t=T:0',                         't=T:0',             true",
      // unknown x-match values route as all
      "'x-match=S:some;a=S:1',          'a=S:1',             true",
      "'x-match=I:1;a=S:1;b=S:2',       'a=S:1',             false",
  })
  void route_headers_followsRabbitMatchRules(String bindingArgs, String headers, boolean expected) {
    assertEquals(expected, matches(FieldTableText.parse(bindingArgs), FieldTableText.parse(headers)));
  }

  /** Port of the Java client's {@code functional/Routing.headersRouting}. */
  @Test
  void route_javaClientHeadersRouting_sameDeliveries() {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("h1", "12345");
    spec.put("h2", "bar");
    spec.put("h3", null);
    spec.put("x-key-1", "bindings starting with x- get filtered out");
    spec.put("x-match", "all");
    BindingTable<String> t = BindingTable.create(ExchangeType.HEADERS);
    t.add(new Binding<>("Q1", "", spec));
    spec.put("x-match", "any");
    t.add(new Binding<>("Q2", "", spec));

    List<Map<String, Object>> messages = new ArrayList<>();
    messages.add(null);
    messages.add(Map.of());
    messages.add(FieldTableText.parse("h1=S:12345"));
    messages.add(FieldTableText.parse("h1=S:12345"));
    messages.add(FieldTableText.parse("h2=S:bar"));
    messages.add(FieldTableText.parse("h1=S:12345;h2=S:bar"));
    messages.add(FieldTableText.parse("h1=S:12345;h2=S:bar;h3=V"));
    messages.add(FieldTableText.parse("h1=S:12345;h2=S:quux"));
    messages.add(FieldTableText.parse("h1=S:zot;h2=S:quux;h3=V"));
    messages.add(FieldTableText.parse("h3=V"));
    messages.add(FieldTableText.parse("h1=S:zot;h2=S:quux"));
    messages.add(Map.of("x-key-1", "bindings starting with x- get filtered out"));

    int q1 = 0;
    int q2 = 0;
    for (Map<String, Object> headers : messages) {
      List<String> to = t.route("", headers);
      q1 += to.contains("Q1") ? 1 : 0;
      q2 += to.contains("Q2") ? 1 : 0;
    }
    assertEquals(1, q1);
    assertEquals(8, q2);  // the Java test takes eight messages from Q2: 1, 1b, 2, 3, 4, 5, 6, 7
  }

  /** Port of the Java client's {@code functional/Routing.headersWithXRouting}. */
  @Test
  void route_javaClientHeadersWithXRouting_sameDeliveries() {
    BindingTable<String> t = BindingTable.create(ExchangeType.HEADERS);
    t.add(new Binding<>("Q1", "", FieldTableText.parse("x-key-1=S:value-1;x-key-2=S:value-2;x-match=S:all-with-x")));
    t.add(new Binding<>("Q2", "", FieldTableText.parse("x-key-1=S:value-1;x-key-2=S:value-2;x-match=S:any-with-x")));
    assertEquals(List.of(), t.route("", Map.of()));
    assertEquals(List.of("Q2"), t.route("", FieldTableText.parse("x-key-1=S:value-1")));
    assertEquals(List.of("Q1", "Q2"), t.route("", FieldTableText.parse("x-key-1=S:value-1;x-key-2=S:value-2")));
    assertEquals(List.of("Q1", "Q2"),
        t.route("", FieldTableText.parse("x-key-1=S:value-1;x-key-2=S:value-2;x-key-3=S:value-3")));
  }

  @Test
  void route_nestedArray_elementTypesMustMatch() {
    assertEquals(true, matches(Map.of("a", List.of(1, "x")), Map.of("a", List.of(1, "x"))));
    assertEquals(false, matches(Map.of("a", List.of(1)), Map.of("a", List.of(1L))));
    assertEquals(false, matches(Map.of("a", List.of("x")), Map.of("a", List.of(new byte[] {'x'}))));
  }

  @Test
  void route_nestedTable_comparedInWireOrder() {
    Map<String, Object> ab = new LinkedHashMap<>();
    ab.put("a", 1);
    ab.put("b", 2);
    Map<String, Object> ba = new LinkedHashMap<>();
    ba.put("b", 2);
    ba.put("a", 1);
    assertEquals(true, matches(Map.of("t", ab), Map.of("t", new LinkedHashMap<>(ab))));
    assertEquals(false, matches(Map.of("t", ab), Map.of("t", ba)));
  }

  @Test
  void route_severalBindings_insertionOrderOfFirstMatch() {
    BindingTable<String> t = BindingTable.create(ExchangeType.HEADERS);
    t.add(new Binding<>("q3", "", FieldTableText.parse("x-match=S:any;a=S:1")));
    t.add(new Binding<>("q1", "", FieldTableText.parse("b=S:2")));
    t.add(new Binding<>("q3", "", FieldTableText.parse("b=S:2")));
    t.add(new Binding<>("q2", "", FieldTableText.parse("c=S:3")));
    assertEquals(List.of("q3", "q1"), t.route("", FieldTableText.parse("a=S:1;b=S:2")));
    assertEquals(List.of("q1", "q3"), t.route("", FieldTableText.parse("b=S:2")));
  }

  @Test
  void route_headersMutatedAfterBinding_bindingUnchanged() {
    Map<String, Object> args = new LinkedHashMap<>(FieldTableText.parse("a=S:1"));
    BindingTable<String> t = BindingTable.create(ExchangeType.HEADERS);
    t.add(new Binding<>("q", "", args));
    args.put("a", "2");
    assertEquals(List.of("q"), t.route("", FieldTableText.parse("a=S:1")));
  }

  @ParameterizedTest(name = "x-match {0}")
  @CsvSource({"'-'", "''", "'x-match=S:all'", "'x-match=S:any'", "'x-match=S:all-with-x'", "'x-match=S:any-with-x'",
      "'a=I:23'"})
  void validateHeadersBindingArgs_accepted_isEmpty(String args) {
    assertEquals(Optional.empty(), BindingTable.validateHeadersBindingArgs(FieldTableText.parse(args)));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "x-match=S:all or any I don't mind | Invalid x-match field value <<\"all or any I don't mind\">>; "
          + "expected all, any, all-with-x, or any-with-x",
      "x-match=S:ALL  | Invalid x-match field value <<\"ALL\">>; expected all, any, all-with-x, or any-with-x",
      "x-match=S:     | Invalid x-match field value <<>>; expected all, any, all-with-x, or any-with-x",
      "x-match=S:a\"b | Invalid x-match field value <<\"a\\\"b\">>; expected all, any, all-with-x, or any-with-x",
      "x-match=S:é    | Invalid x-match field value <<\"é\"/utf8>>; expected all, any, all-with-x, or any-with-x",
      "x-match=I:23   | Invalid x-match field type signedint (value 23); expected longstr",
      "x-match=l:23   | Invalid x-match field type long (value 23); expected longstr",
      "x-match=x:any  | Invalid x-match field type binary (value <<\"any\">>); expected longstr",
      "x-match=t:true | Invalid x-match field type bool (value true); expected longstr",
      "x-match=V      | Invalid x-match field type void (value undefined); expected longstr",
      "x-match=D:1.50 | Invalid x-match field type decimal (value {2,150}); expected longstr",
  })
  void validateHeadersBindingArgs_invalidXMatch_explainsLikeRabbit(String args, String expected) {
    assertEquals(Optional.of(expected), BindingTable.validateHeadersBindingArgs(FieldTableText.parse(args)));
  }

  @Test
  void validateHeadersBindingArgs_nonPrintableBytes_printsByteList() {
    assertEquals(Optional.of("Invalid x-match field type binary (value <<1,255>>); expected longstr"),
        BindingTable.validateHeadersBindingArgs(Map.of("x-match", new byte[] {1, (byte) 255})));
  }

  @Test
  void compile_kind_fromXMatch() {
    assertEquals(HeadersMatch.Kind.ALL, HeadersMatch.compile(null).kind());
    assertEquals(HeadersMatch.Kind.ANY_WITH_X, HeadersMatch.compile(Map.of("x-match", "any-with-x")).kind());
    assertEquals(HeadersMatch.Kind.ALL, HeadersMatch.compile(Map.of("x-match", "bogus")).kind());
  }
}
