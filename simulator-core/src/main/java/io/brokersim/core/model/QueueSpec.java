package io.brokersim.core.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A queue's declared identity: name, flags, arguments and the owning connection of an exclusive queue.
 */
public record QueueSpec(String name, boolean durable, boolean exclusive, boolean autoDelete,
    Map<String, Object> arguments, String ownerConnection) {

  /** Arguments whose values must match on redeclare; others are kept but not compared. */
  public static final List<String> COMPARED_ARGUMENTS = List.of(
      "x-message-ttl", "x-expires", "x-dead-letter-exchange", "x-dead-letter-routing-key", "x-max-length",
      "x-max-length-bytes", "x-overflow", "x-max-priority", "x-queue-type", "x-single-active-consumer",
      "x-delivery-limit", "x-dead-letter-strategy", "x-consumer-timeout");

  public QueueSpec {
    arguments = arguments == null ? Map.of() : arguments;
  }

  /** A difference found on redeclare: the argument name and RabbitMQ-formatted received/current values. */
  public record Difference(String argument, String received, String current) {

    /**
     * The difference in argument {@code key} between a redeclare's value and the current one, formatted as
     * RabbitMQ's {@code rabbit_misc:assert_args_equivalence} does: values of compatible types (any two
     * integers, say) as {@code '5'}; otherwise with their types, or {@code none} when absent.
     */
    public static Difference ofArgument(String key, Object received, Object current) {
      // rabbit_misc:assert_args_equivalence1: with both present the bare values are compared and printed
      // ('other'); with one absent, the typed one is ("the value 'x' of type 'longstr'") and the other is "none".
      return received != null && current != null
          ? new Difference(key, "'" + received + "'", "'" + current + "'")
          : new Difference(key, describe(received), describe(current));
    }
  }

  /** The first inequivalence between this (existing) queue and a redeclare, if any (exclusive excluded). */
  public Optional<Difference> firstDifference(boolean newDurable, boolean newAutoDelete, Map<String, Object> newArgs) {
    return firstDifference(newDurable, newAutoDelete, newArgs, false);
  }

  /**
   * As above; with {@code absentTypeIsClassic} an absent {@code x-queue-type} equals {@code classic} (RabbitMQ's
   * {@code assert_field_equivalence}, semantics §9.2).
   */
  public Optional<Difference> firstDifference(boolean newDurable, boolean newAutoDelete, Map<String, Object> newArgs,
      boolean absentTypeIsClassic) {
    return firstDifference(newDurable, newAutoDelete, newArgs, absentTypeIsClassic, false);
  }

  /**
   * As above; with {@code defaultTypeInjected} a redeclare without {@code x-queue-type} carries the default type
   * {@code classic}, in the comparison and in the text (RabbitMQ 4's {@code augment_declare_args}): "received
   * 'classic' but current is 'quorum'". Without it the absent value reads "none" (3.13).
   */
  public Optional<Difference> firstDifference(boolean newDurable, boolean newAutoDelete, Map<String, Object> newArgs,
      boolean absentTypeIsClassic, boolean defaultTypeInjected) {
    if (durable != newDurable) {
      return Optional.of(new Difference("durable", quoted(newDurable), quoted(durable)));
    }
    if (autoDelete != newAutoDelete) {
      return Optional.of(new Difference("auto_delete", quoted(newAutoDelete), quoted(autoDelete)));
    }
    Map<String, Object> other = newArgs == null ? Map.of() : newArgs;
    for (String key : COMPARED_ARGUMENTS) {
      Object mine = arguments.get(key);
      Object theirs = other.get(key);
      if (key.equals("x-queue-type") && (absentTypeIsClassic || defaultTypeInjected)) {
        theirs = theirs == null && defaultTypeInjected ? "classic" : theirs;
        Object mineAsType = mine == null ? "classic" : mine;
        Object theirsAsType = theirs == null ? "classic" : theirs;
        if (!sameValue(mineAsType, theirsAsType)) {
          return Optional.of(Difference.ofArgument(key, theirs, mine));
        }
        continue;
      }
      if (!sameValue(mine, theirs)) {
        return Optional.of(Difference.ofArgument(key, theirs, mine));
      }
    }
    return Optional.empty();
  }

  /** Argument equality as brokers compare it: integers by value, whatever their width. */
  static boolean sameValue(Object a, Object b) {
    Long la = FieldTables.integerValue(a);
    Long lb = FieldTables.integerValue(b);
    if (la != null && lb != null) {
      return la.longValue() == lb.longValue();
    }
    return Objects.equals(a, b);
  }

  private static String quoted(boolean b) {
    return "'" + b + "'";
  }

  /** RabbitMQ's formatting of an argument value in inequivalence errors. */
  static String describe(Object v) {
    return v == null ? "none" : "the value '" + v + "' of type '" + FieldTables.rabbitTypeName(v) + "'";
  }
}
