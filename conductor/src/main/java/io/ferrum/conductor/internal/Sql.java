package io.ferrum.conductor.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.argument.Argument;

/**
 * Timestamps for {@code TIMESTAMP WITH TIME ZONE} columns, bound and read as {@link OffsetDateTime}
 * in UTC, which H2 and PostgreSQL both handle without the JVM's time zone; and the one translation
 * of a plain-JDBC {@link SQLException} into the {@link JdbiException} every Jdbi call throws, so
 * callers handle database failures in one place.
 */
final class Sql {

  private Sql() {}

  /** {@code instant} as a bind argument ({@code null} binds SQL NULL). */
  static Argument timestamp(Instant instant) {
    return (position, statement, context) -> {
      if (instant == null) {
        statement.setNull(position, Types.TIMESTAMP_WITH_TIMEZONE);
      } else {
        statement.setObject(position, instant.atOffset(ZoneOffset.UTC));
      }
    };
  }

  /** Binds {@code instant} to parameter {@code index} ({@code null} binds SQL NULL). */
  static void setInstant(PreparedStatement statement, int index, Instant instant)
      throws SQLException {
    if (instant == null) {
      statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      statement.setObject(index, instant.atOffset(ZoneOffset.UTC));
    }
  }

  /** {@code e} as Jdbi reports a failed statement. */
  static JdbiException failure(SQLException e) {
    return new StatementFailedException(e);
  }

  /** A plain-JDBC statement failed; the cause is the driver's {@link SQLException}. */
  static final class StatementFailedException extends JdbiException {
    private static final long serialVersionUID = 1L;

    StatementFailedException(SQLException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /** The instant in column number {@code index}, or {@code null}. */
  static Instant instant(ResultSet rs, int index) throws SQLException {
    OffsetDateTime value = rs.getObject(index, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  /** The instant in column {@code column}, or {@code null}. */
  static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }
}
