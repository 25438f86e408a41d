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
      "x-max-length-bytes", "x-overflow", "x-max-priority", "x-queue-type", "x-single-active-consumer");

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
      boolean plain = received != null && current != null
          && typeClass(FieldTables.rabbitTypeName(received)).equals(typeClass(FieldTables.rabbitTypeName(current)));
      return plain
          ? new Difference(key, "'" + received + "'", "'" + current + "'")
          : new Difference(key, describe(received), describe(current));
    }

    private static String typeClass(String rabbitType) {
      return switch (rabbitType) {
        case "byte", "short", "signedint", "long" -> "int";
        case "decimal", "float", "double" -> "float";
        default -> rabbitType;
      };
    }
  }

  /** The first inequivalence between this (existing) queue and a redeclare, if any (exclusive excluded). */
  public Optional<Difference> firstDifference(boolean newDurable, boolean newAutoDelete, Map<String, Object> newArgs) {
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
