package io.brokersim.core.model;

import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What one user may do in one virtual host: RabbitMQ's (and LavinMQ's) three regular expressions over
 * resource names, {@code configure} (declare, delete), {@code write} (publish to, bind to) and {@code read}
 * (consume, get, purge, bind from). A name is permitted when the expression matches somewhere in it (both
 * brokers search, they do not anchor). The empty expression and {@code ^$} permit nothing: RabbitMQ turns
 * {@code ""} into {@code ^$}, which matches no queue or exchange name it checks (the default exchange is
 * checked as {@code amq.default}), and LavinMQ treats both as "no permission".
 *
 * <p>Patterns are compiled once, when the permissions are created.
 */
public final class Permissions {

  /** Everything permitted: in-process clients and users configured without a permissions block. */
  public static final Permissions ALL = new Permissions("guest", ".*", ".*", ".*");

  private final String user;
  private final String configureRegex;
  private final String writeRegex;
  private final String readRegex;
  private final Pattern configure;
  private final Pattern write;
  private final Pattern read;
  private final boolean unrestricted;

  private Permissions(String user, String configure, String write, String read) {
    this.user = Objects.requireNonNull(user, "user");
    this.configureRegex = Objects.requireNonNull(configure, "configure");
    this.writeRegex = Objects.requireNonNull(write, "write");
    this.readRegex = Objects.requireNonNull(read, "read");
    this.configure = compile("configure", configure);
    this.write = compile("write", write);
    this.read = compile("read", read);
    this.unrestricted = configure.equals(".*") && write.equals(".*") && read.equals(".*");
  }

  /**
   * {@code user}'s permissions from the three expressions; an expression that does not compile is refused
   * with an {@link IllegalArgumentException} naming it.
   */
  public static Permissions of(String user, String configure, String write, String read) {
    return new Permissions(user, configure, write, read);
  }

  private static Pattern compile(String which, String regex) {
    if (regex.isEmpty() || regex.equals("^$")) {
      return null;
    }
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(which + " permission '" + regex + "' is not a regular expression: "
          + e.getDescription(), e);
    }
  }

  /** The user these permissions belong to, as refusals name them. */
  public String user() {
    return user;
  }

  /** The same expressions for another user. */
  public Permissions forUser(String name) {
    return name.equals(user) ? this : new Permissions(name, configureRegex, writeRegex, readRegex);
  }

  /** True when every name is permitted for everything ({@code .*} three times): no check is needed. */
  public boolean unrestricted() {
    return unrestricted;
  }

  public boolean mayConfigure(String name) {
    return permits(configure, name);
  }

  public boolean mayWrite(String name) {
    return permits(write, name);
  }

  public boolean mayRead(String name) {
    return permits(read, name);
  }

  /** The expression for {@code permission} as configured, e.g. for a management view. */
  public String regex(Permission permission) {
    return switch (permission) {
      case CONFIGURE -> configureRegex;
      case WRITE -> writeRegex;
      case READ -> readRegex;
    };
  }

  /** True when {@code permission} on {@code name} is granted. */
  public boolean permits(Permission permission, String name) {
    return switch (permission) {
      case CONFIGURE -> mayConfigure(name);
      case WRITE -> mayWrite(name);
      case READ -> mayRead(name);
    };
  }

  private static boolean permits(Pattern p, String name) {
    return p != null && p.matcher(name).find();
  }

  /** The three kinds of access, by the word RabbitMQ's refusals use. */
  public enum Permission {
    CONFIGURE("configure"), WRITE("write"), READ("read");

    private final String word;

    Permission(String word) {
      this.word = word;
    }

    public String word() {
      return word;
    }
  }

  @Override
  public String toString() {
    return "Permissions(" + user + ": configure '" + configureRegex + "', write '" + writeRegex + "', read '"
        + readRegex + "')";
  }
}
