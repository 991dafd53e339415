package io.ferrum.testkit;

import java.util.Objects;

/**
 * The outcome of one named check of a {@link Report}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name what was checked, e.g. {@code "no dead ends"} or {@code "power on sticks"}
 * @param status whether it passed, failed or did not apply
 * @param message for a failure, what went wrong; for a skip, why; for a pass, what was covered
 */
public record CheckResult(String name, Status status, String message) {

  /** Whether a check passed, failed, or did not apply. */
  public enum Status {
    /** The check ran and found nothing wrong. */
    PASSED,
    /** The check found something wrong; the message says what. */
    FAILED,
    /** The check does not apply here (the message says why); not a failure. */
    SKIPPED
  }

  /** Checks that every part is present. */
  public CheckResult {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(message, "message");
  }

  /** A passed check. */
  public static CheckResult passed(String name, String message) {
    return new CheckResult(name, Status.PASSED, message);
  }

  /** A failed check. */
  public static CheckResult failed(String name, String message) {
    return new CheckResult(name, Status.FAILED, message);
  }

  /** A check that does not apply. */
  public static CheckResult skipped(String name, String reason) {
    return new CheckResult(name, Status.SKIPPED, reason);
  }

  /** Whether the check failed. */
  public boolean failed() {
    return status == Status.FAILED;
  }

  /** One line: {@code PASSED name: message}. */
  @Override
  public String toString() {
    return String.format("%-7s %s: %s", status, name, message);
  }
}
