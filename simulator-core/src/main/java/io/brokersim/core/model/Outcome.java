package io.brokersim.core.model;

import java.util.function.Function;

/** The result of a broker rule: a value or an {@link AmqpError}. Errors are values, not exceptions. */
public sealed interface Outcome<T> {

  record Ok<T>(T value) implements Outcome<T> {}

  record Failed<T>(AmqpError error) implements Outcome<T> {}

  static <T> Outcome<T> ok(T value) {
    return new Ok<>(value);
  }

  static <T> Outcome<T> failed(AmqpError error) {
    return new Failed<>(error);
  }

  default boolean isOk() {
    return this instanceof Ok;
  }

  /** The value; throws if this is an error (a bug in the caller). */
  default T value() {
    if (this instanceof Ok<T> ok) {
      return ok.value();
    }
    throw new IllegalStateException("not ok: " + ((Failed<T>) this).error());
  }

  /** The error, or null when ok. */
  default AmqpError errorOrNull() {
    return this instanceof Failed<T> f ? f.error() : null;
  }

  default <R> Outcome<R> map(Function<T, R> f) {
    if (this instanceof Ok<T> ok) {
      return new Ok<>(f.apply(ok.value()));
    }
    return new Failed<>(((Failed<T>) this).error());
  }
}
