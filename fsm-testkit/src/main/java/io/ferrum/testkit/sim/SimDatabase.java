package io.ferrum.testkit.sim;

import io.ferrum.faults.FaultyDataSource;
import io.ferrum.faults.FaultyDataSource.DownScope;
import io.ferrum.faults.FaultyDataSource.Outage;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * One conductor's way into the shared database, with two switches: the conductor's crash (its
 * process is gone: nothing it does reaches the database again) and a database outage (every
 * conductor's calls fail until it ends; it may start at a commit that lands but is reported
 * failed). Both are {@link Outage}s of a {@link FaultyDataSource} that fails only the calls that
 * read or write data ({@link DownScope#DATA_CALLS}): a connection taken before the switch fails
 * too, while closing, rolling back and restoring auto-commit pass, so that the pool gets its
 * connections back clean.
 */
final class SimDatabase {

  /** The outage every conductor's database shares. */
  static Outage outage() {
    return new Outage(
        failure("simulated: the database is down", "08001"),
        failure("simulated: the connection broke after the commit was sent", "08006"));
  }

  private static Supplier<SQLException> failure(String message, String state) {
    return () -> new SQLNonTransientConnectionException(message, state);
  }

  /** Down once the conductor crashed; it never dies at a commit of its own. */
  private final Outage crash =
      new Outage(
          failure("simulated: the conductor crashed", "08006"),
          failure("simulated: the conductor crashed", "08006"));

  private final FaultyDataSource source;

  /**
   * How many commits of this conductor that landed but were reported failed its last complete
   * recovery pass accounted for.
   */
  private volatile int settled;

  SimDatabase(DataSource shared, Outage outage) {
    this.source = new FaultyDataSource(shared, DownScope.DATA_CALLS, crash, outage);
  }

  /** What the conductor is built on. */
  DataSource dataSource() {
    return source;
  }

  /** The conductor died: from now on none of its calls reaches the database. */
  void crash() {
    crash.setDown(true);
  }

  /**
   * Whether a commit of this conductor landed but was reported failed since its last complete
   * recovery pass: until one runs, the notification of that write lives only in its memory.
   */
  boolean owesOutcome() {
    return source.injected() > settled;
  }

  /** A complete recovery pass ran: every such commit so far is accounted for. */
  void outcomesSettled() {
    settled = source.injected();
  }
}
