package io.ferrum.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The statement counter of the conductor benchmark: every execution counts, nothing else. */
class CountingDataSourceTest {

  private JdbcDataSource h2;
  private CountingDataSource counting;

  @BeforeEach
  void database() throws SQLException {
    h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    h2.setUser("sa");
    try (Connection c = h2.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE items (name VARCHAR(20) PRIMARY KEY)");
    }
    counting = new CountingDataSource(h2);
  }

  @Test
  void countsEveryExecution_ofPlainAndPreparedStatements_andPassesResultsThrough()
      throws SQLException {
    try (Connection c = counting.getConnection()) {
      try (PreparedStatement insert = c.prepareStatement("INSERT INTO items VALUES (?)")) {
        insert.setString(1, "a");
        assertThat(insert.executeUpdate()).isEqualTo(1);
        insert.setString(1, "b");
        insert.addBatch();
        insert.setString(1, "c");
        insert.addBatch();
        assertThat(insert.executeBatch()).containsExactly(1, 1);
      }
      try (Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT COUNT(*) FROM items")) {
        assertThat(r.next()).isTrue();
        assertThat(r.getInt(1)).isEqualTo(3);
      }
      assertThat(c.getAutoCommit()).isTrue();
    }

    assertThat(counting.executed()).isEqualTo(3);
  }

  @Test
  void aFailingStatement_throwsTheDriversException_andStillCounts() throws SQLException {
    try (Connection c = counting.getConnection("sa", "");
        Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.execute("SELECT * FROM missing"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("MISSING");
    }

    assertThat(counting.executed()).isEqualTo(1);
  }

  @Test
  void settingsAndUnwrapping_areTheWrappedSources() throws SQLException {
    counting.setLoginTimeout(7);

    assertThat(h2.getLoginTimeout()).isEqualTo(7);
    assertThat(counting.getLoginTimeout()).isEqualTo(7);
    assertThat(counting.isWrapperFor(JdbcDataSource.class)).isTrue();
    assertThat(counting.unwrap(JdbcDataSource.class)).isSameAs(h2);
  }
}
