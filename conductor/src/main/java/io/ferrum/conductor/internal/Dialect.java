package io.ferrum.conductor.internal;

import java.sql.Connection;
import java.sql.SQLException;

/** The two databases Ferrum runs on, for the few statements they spell differently. */
public enum Dialect {
  H2,
  POSTGRESQL;

  /**
   * The dialect of {@code connection}'s database.
   *
   * @throws IllegalArgumentException for any other database
   */
  public static Dialect of(Connection connection) throws SQLException {
    String product = connection.getMetaData().getDatabaseProductName();
    return switch (product) {
      case "H2" -> H2;
      case "PostgreSQL" -> POSTGRESQL;
      default ->
          throw new IllegalArgumentException(
              "Unsupported database " + product + " (Ferrum runs on H2 and PostgreSQL)");
    };
  }
}
