package io.ferrum.testkit;

import java.util.List;
import java.util.Objects;

/**
 * What a check run found: every check with its outcome, the violations behind the failed ones, and
 * how to replay the run. Read {@link #passed()}, or call {@link #assertPassed()} from a test of any
 * framework; {@link #toString()} is the report to print.
 *
 * <p>Immutable and thread-safe.
 */
public final class Report {

  private final String subject;
  private final List<CheckResult> checks;
  private final List<Violation> violations;
  private final String replay;

  /**
   * A report.
   *
   * @param subject what was checked, e.g. {@code machine "provision"}
   * @param checks every check, in the order they ran
   * @param violations the violations behind the failed checks (may be empty)
   * @param replay how to run the same walks again (e.g. {@code -Dferrum.testkit.seed=42}), or
   *     {@code null}
   */
  public Report(
      String subject, List<CheckResult> checks, List<Violation> violations, String replay) {
    this.subject = Objects.requireNonNull(subject, "subject");
    this.checks = List.copyOf(checks);
    this.violations = List.copyOf(violations);
    this.replay = replay;
  }

  /** What was checked. */
  public String subject() {
    return subject;
  }

  /** Every check, in the order they ran. */
  public List<CheckResult> checks() {
    return checks;
  }

  /** The checks that failed. */
  public List<CheckResult> failures() {
    return checks.stream().filter(CheckResult::failed).toList();
  }

  /** The violations behind the failed checks, each with its shortest sequence where it has one. */
  public List<Violation> violations() {
    return violations;
  }

  /** The check called {@code name}. */
  public java.util.Optional<CheckResult> check(String name) {
    return checks.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /** Whether no check failed (skipped checks are not failures). */
  public boolean passed() {
    return checks.stream().noneMatch(CheckResult::failed);
  }

  /**
   * Returns quietly if {@link #passed()}, else throws an {@link AssertionError} whose message is
   * this whole report, which any test framework shows as the failure.
   */
  public void assertPassed() {
    if (!passed()) {
      throw new AssertionError(toString());
    }
  }

  /**
   * The report: a headline, one line per check, then each violation with its sequence, then how to
   * replay.
   */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    long failed = checks.stream().filter(CheckResult::failed).count();
    out.append(subject)
        .append(": ")
        .append(
            failed == 0 ? "all checks passed" : failed + " of " + checks.size() + " checks failed")
        .append('\n');
    for (CheckResult check : checks) {
      out.append("  ").append(check).append('\n');
    }
    for (Violation violation : violations) {
      out.append("  violation of \"").append(violation.check()).append("\"");
      if (violation.state() != null) {
        out.append(" in state \"").append(violation.state()).append('"');
      }
      out.append(": ").append(violation).append('\n');
    }
    if (replay != null && failed > 0) {
      out.append("  replay with ").append(replay).append('\n');
    }
    return out.toString();
  }
}
