package io.ferrum.conductor.internal;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Applies the {@code db-migrations} scripts ({@code classpath:db/ferrum}). Ferrum keeps its own
 * Flyway history table, {@code ferrum_schema_history}, so it can share a database (and a schema)
 * with the application that embeds it.
 */
public final class Migrations {

  /** Ferrum's Flyway history table. */
  public static final String HISTORY_TABLE = "ferrum_schema_history";

  private Migrations() {}

  /**
   * Migrates {@code dataSource} to the newest schema.
   *
   * @return how many migrations were applied
   */
  public static int migrate(DataSource dataSource) {
    return Flyway.configure(Migrations.class.getClassLoader())
        .dataSource(dataSource)
        .locations("classpath:db/ferrum")
        .table(HISTORY_TABLE)
        .load()
        .migrate()
        .migrationsExecuted;
  }
}
