package io.ferrum.conductor.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.jdbi.v3.core.argument.Argument;

/**
 * Timestamps for {@code TIMESTAMP WITH TIME ZONE} columns, bound and read as {@link OffsetDateTime}
 * in UTC, which H2 and PostgreSQL both handle without the JVM's time zone.
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
