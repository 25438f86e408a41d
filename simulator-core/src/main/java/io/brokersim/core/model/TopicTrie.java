package io.brokersim.core.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The binding keys of one topic exchange as a trie of words, walked once per publish; modelled on RabbitMQ's
 * {@code rabbit_db_topic_exchange} trie.
 *
 * <p>Words: a key is split at every {@code '.'} and empty words are kept ({@code "a..b"} has three words,
 * {@code "a."} two), except that the empty key has no words at all. RabbitMQ's
 * {@code split_topic_key_binary(<<>>) -> []} (and the older {@code split_topic_key(<<>>, [], []) -> []}) says so
 * in every version from 3.12 to main; AMQP 0-9-1 allows "zero or more words". Consequently {@code "*"} does not
 * match the empty routing key, while {@code "#"} and {@code ""} do (RabbitMQ's {@code routing_SUITE:topic1}
 * expects exactly {@code #}, {@code #.#} and {@code ""} for routing key {@code ""}).
 *
 * <p>{@code *} consumes exactly one word and {@code #} zero or more. A routing-key word that is literally
 * {@code *} or {@code #} is an ordinary word here; in RabbitMQ it can also follow the wildcard edge as a literal,
 * which reaches only bindings the wildcard reaches anyway, so the results are the same.
 *
 * <p>With two or more {@code #} in one key the walk can reach the same (node, position) state a number of times
 * that grows combinatorially with the routing key length, so visited states are remembered whenever such a key is
 * present (RabbitMQ's main branch does the same after 4.3.5, commit {@code 0f390a2}).
 */
final class TopicTrie<E> {
  private static final String[] NO_WORDS = new String[0];

  private final Node<E> root = new Node<>(null, null);
  private int multiHashKeys;

  /** The words of a routing or binding key. */
  static String[] words(String key) {
    if (key.isEmpty()) {
      return NO_WORDS;
    }
    int count = 1;
    for (int i = 0; i < key.length(); i++) {
      if (key.charAt(i) == '.') {
        count++;
      }
    }
    String[] words = new String[count];
    int start = 0;
    for (int w = 0; w < count - 1; w++) {
      int dot = key.indexOf('.', start);
      words[w] = key.substring(start, dot);
      start = dot + 1;
    }
    words[count - 1] = key.substring(start);
    return words;
  }

  void add(String bindingKey, E value) {
    Node<E> node = root;
    int hashes = 0;
    for (String w : words(bindingKey)) {
      hashes += w.equals("#") ? 1 : 0;
      node = node.childOrCreate(w);
    }
    if (node.values == null) {
      node.values = new ArrayList<>(1);
    }
    node.values.add(value);
    if (hashes >= 2) {
      multiHashKeys++;
    }
  }

  boolean remove(String bindingKey, E value) {
    Node<E> node = root;
    int hashes = 0;
    for (String w : words(bindingKey)) {
      hashes += w.equals("#") ? 1 : 0;
      node = node.child(w);
      if (node == null) {
        return false;
      }
    }
    if (node.values == null || !node.values.remove(value)) {
      return false;
    }
    if (node.values.isEmpty()) {
      node.values = null;
    }
    if (hashes >= 2) {
      multiHashKeys--;
    }
    while (node != root && node.isEmpty()) {
      node.parent.detach(node.edge);
      node = node.parent;
    }
    return true;
  }

  /** Appends the values of every binding key that matches, possibly out of insertion order. */
  void match(String routingKey, List<E> out) {
    Set<State> seen = multiHashKeys > 0 ? new HashSet<>() : null;
    walk(root, words(routingKey), 0, seen, out);
  }

  private void walk(Node<E> node, String[] words, int i, Set<State> seen, List<E> out) {
    if (seen != null && !seen.add(new State(node, i))) {
      return;
    }
    if (i == words.length) {
      if (node.values != null) {
        out.addAll(node.values);
      }
      if (node.hash != null) {
        walk(node.hash, words, i, seen, out);
      }
      return;
    }
    Node<E> literal = node.literals == null ? null : node.literals.get(words[i]);
    if (literal != null) {
      walk(literal, words, i + 1, seen, out);
    }
    if (node.star != null) {
      walk(node.star, words, i + 1, seen, out);
    }
    if (node.hash != null) {
      for (int j = i; j <= words.length; j++) {
        walk(node.hash, words, j, seen, out);
      }
    }
  }

  private record State(Object node, int index) {}

  private static final class Node<E> {
    final Node<E> parent;
    final String edge;
    HashMap<String, Node<E>> literals;
    Node<E> star;
    Node<E> hash;
    List<E> values;

    Node(Node<E> parent, String edge) {
      this.parent = parent;
      this.edge = edge;
    }

    Node<E> child(String word) {
      switch (word) {
        case "*":
          return star;
        case "#":
          return hash;
        default:
          return literals == null ? null : literals.get(word);
      }
    }

    Node<E> childOrCreate(String word) {
      Node<E> c = child(word);
      if (c != null) {
        return c;
      }
      c = new Node<>(this, word);
      switch (word) {
        case "*" -> star = c;
        case "#" -> hash = c;
        default -> {
          if (literals == null) {
            literals = new HashMap<>();
          }
          literals.put(word, c);
        }
      }
      return c;
    }

    void detach(String word) {
      switch (word) {
        case "*" -> star = null;
        case "#" -> hash = null;
        default -> {
          literals.remove(word);
          if (literals.isEmpty()) {
            literals = null;
          }
        }
      }
    }

    boolean isEmpty() {
      return values == null && literals == null && star == null && hash == null;
    }
  }
}
