package io.ferrum.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferrum.faults.FaultyDataSource.DownScope;
import io.ferrum.faults.FaultyDataSource.Outage;
import io.ferrum.faults.FaultyDataSource.When;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.Statement;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultyDataSourceTest {

  private static final String INSERT = "INSERT INTO items (name) VALUES (?)";

  private JdbcDataSource h2;
  private FaultyDataSource db;

  @BeforeEach
  void database() throws SQLException {
    h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    try (Connection c = h2.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE items (name VARCHAR(20) PRIMARY KEY)");
    }
    db = new FaultyDataSource(h2);
  }

  private int count() throws SQLException {
    try (Connection c = h2.getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT COUNT(*) FROM items")) {
      r.next();
      return r.getInt(1);
    }
  }

  private void insert(Connection c, String name) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(INSERT)) {
      p.setString(1, name);
      p.executeUpdate();
    }
  }

  private void insertAndCommit(String name) throws SQLException {
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      try {
        insert(c, name);
        c.commit();
      } finally {
        c.rollback();
      }
    }
  }

  @Test
  void beforeFailsTheStatementWithoutRunningIt() throws SQLException {
    db.fail("insert into ITEMS", When.BEFORE, 1);
    try (Connection c = db.getConnection()) {
      assertThatThrownBy(() -> insert(c, "a"))
          .isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08006"));
    }
    assertThat(count()).isZero();
    assertThat(db.injected()).isEqualTo(1);
  }

  @Test
  void afterRunsTheStatementThenFailsIt() throws SQLException {
    db.fail(sql -> sql.startsWith("INSERT"), When.AFTER, 1);
    try (Connection c = db.getConnection()) {
      assertThatThrownBy(() -> insert(c, "a")).isInstanceOf(SQLException.class);
    }
    assertThat(count()).as("auto-committed: the write landed").isEqualTo(1);
  }

  @Test
  void beforeCommitRollsTheTransactionBack() throws SQLException {
    db.fail("INSERT", When.BEFORE_COMMIT, 1);
    assertThatThrownBy(() -> insertAndCommit("a")).isInstanceOf(SQLException.class);
    assertThat(count()).isZero();
  }

  @Test
  void afterCommitLandsTheCommitThenFailsIt() throws SQLException {
    db.fail("INSERT", When.AFTER_COMMIT, 1);
    assertThatThrownBy(() -> insertAndCommit("a")).isInstanceOf(SQLException.class);
    assertThat(count()).isEqualTo(1);
  }

  @Test
  void commitFaultsOnlyStrikeTransactionsThatRanAMatchingStatement() throws SQLException {
    db.fail("DELETE", When.BEFORE_COMMIT, 1);
    insertAndCommit("a");
    assertThat(count()).isEqualTo(1);
    assertThat(db.injected()).isZero();
    assertThat(db.allStruck()).isFalse();
  }

  @Test
  void aFaultStrikesAsManyTimesAsAskedThenNoMore() throws SQLException {
    db.fail("INSERT", When.BEFORE, 2);
    assertThatThrownBy(() -> insertAndCommit("a")).isInstanceOf(SQLException.class);
    assertThat(db.allStruck()).isFalse();
    assertThatThrownBy(() -> insertAndCommit("a")).isInstanceOf(SQLException.class);
    insertAndCommit("a");
    assertThat(count()).isEqualTo(1);
    assertThat(db.injected()).isEqualTo(2);
    assertThat(db.allStruck()).isTrue();
  }

  @Test
  void throwAtThrowsWhatItIsGiven_beforeAStatementOrACommit() throws SQLException {
    db.throwAt("INSERT", When.BEFORE, 1, () -> new AssertionError("broken driver"));
    try (Connection c = db.getConnection()) {
      assertThatThrownBy(() -> insert(c, "a"))
          .isExactlyInstanceOf(AssertionError.class)
          .hasMessage("broken driver");
    }
    assertThat(count()).isZero();
    db.throwAt("INSERT", When.BEFORE_COMMIT, 1, () -> new IllegalStateException("at commit"));
    assertThatThrownBy(() -> insertAndCommit("b"))
        .isExactlyInstanceOf(IllegalStateException.class)
        .hasMessage("at commit");
    assertThat(count()).as("rolled back").isZero();
    assertThat(db.injected()).isEqualTo(2);
    assertThat(db.allStruck()).isTrue();
    insertAndCommit("c");
    assertThat(count()).isEqualTo(1);
  }

  @Test
  void throwAtRefusesACheckedExceptionAConnectionCannotThrow() throws SQLException {
    db.throwAt("INSERT", When.BEFORE, 1, () -> new java.io.IOException("no"));
    try (Connection c = db.getConnection()) {
      assertThatThrownBy(() -> insert(c, "a"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("IOException");
    }
  }

  @Test
  void clearFaultsDropsPendingFaults() throws SQLException {
    db.fail("INSERT", When.BEFORE, 1);
    db.clearFaults();
    insertAndCommit("a");
    assertThat(count()).isEqualTo(1);
  }

  @Test
  void downFailsNewConnectionsAndEveryCallOnABorrowedOne() throws SQLException {
    Connection borrowed = db.getConnection();
    PreparedStatement prepared = borrowed.prepareStatement(INSERT);
    db.setDown(true);
    assertThatThrownBy(db::getConnection)
        .isInstanceOf(SQLException.class)
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08001"));
    prepared.setString(1, "a");
    assertThatThrownBy(prepared::executeUpdate).isInstanceOf(SQLException.class);
    assertThatThrownBy(() -> borrowed.setAutoCommit(false)).isInstanceOf(SQLException.class);
    assertThatThrownBy(borrowed::commit).isInstanceOf(SQLException.class);
    borrowed.rollback();
    borrowed.close();
    assertThat(borrowed.isClosed()).isTrue();
    db.setDown(false);
    insertAndCommit("a");
    assertThat(count()).isEqualTo(1);
  }

  @Test
  void dataCallsScopeLetsStatementsMadeBeforeRunAndConnectionsGoBackClean() throws SQLException {
    FaultyDataSource gate = new FaultyDataSource(h2, DownScope.DATA_CALLS, new Outage());
    Connection borrowed = gate.getConnection();
    borrowed.setAutoCommit(false);
    PreparedStatement prepared = borrowed.prepareStatement(INSERT);
    gate.setDown(true);
    prepared.setString(1, "a");
    assertThat(prepared.executeUpdate()).isEqualTo(1);
    assertThatThrownBy(() -> borrowed.prepareStatement(INSERT)).isInstanceOf(SQLException.class);
    assertThatThrownBy(borrowed::createStatement).isInstanceOf(SQLException.class);
    assertThatThrownBy(borrowed::setSavepoint).isInstanceOf(SQLException.class);
    assertThatThrownBy(borrowed::commit).isInstanceOf(SQLException.class);
    borrowed.rollback();
    borrowed.setAutoCommit(true);
    borrowed.close();
    assertThat(count()).isZero();
  }

  @Test
  void failAndGoDownFailsTheStatementAndTakesTheDatabaseDown() throws SQLException {
    db.failAndGoDown("INSERT", When.AFTER_COMMIT);
    assertThatThrownBy(() -> insertAndCommit("a")).isInstanceOf(SQLException.class);
    assertThat(count()).isEqualTo(1);
    assertThatThrownBy(db::getConnection).isInstanceOf(SQLException.class);
  }

  @Test
  void aSharedOutageDiesAtTheNextCommitOfAnyOfItsDataSources() throws SQLException {
    Outage outage =
        new Outage(
            () -> new SQLNonTransientConnectionException("down", "08001"),
            () -> new SQLNonTransientConnectionException("broke", "08006"));
    FaultyDataSource first = new FaultyDataSource(h2, DownScope.DATA_CALLS, new Outage(), outage);
    FaultyDataSource second = new FaultyDataSource(h2, DownScope.DATA_CALLS, new Outage(), outage);
    outage.dieAtNextCommit();
    try (Connection c = second.getConnection()) {
      c.setAutoCommit(false);
      insert(c, "a");
      assertThatThrownBy(c::commit).hasMessage("broke");
    }
    assertThat(count()).as("the commit landed").isEqualTo(1);
    assertThat(outage.isDown()).isTrue();
    assertThat(second.injected()).isEqualTo(1);
    assertThat(first.injected()).isZero();
    assertThatThrownBy(first::getConnection).hasMessage("down");
    outage.clear();
    try (Connection c = first.getConnection()) {
      c.setAutoCommit(false);
      insert(c, "b");
      c.commit();
    }
    assertThat(count()).as("once only").isEqualTo(2);
  }

  @Test
  void anOwnOutageComesBeforeTheSharedOnes() {
    Outage crash =
        new Outage(
            () -> new SQLNonTransientConnectionException("crashed", "08006"),
            () -> new SQLNonTransientConnectionException("unused", "08006"));
    Outage shared = new Outage();
    FaultyDataSource gate = new FaultyDataSource(h2, DownScope.DATA_CALLS, crash, shared);
    shared.setDown(true);
    crash.setDown(true);
    assertThatThrownBy(gate::getConnection).hasMessage("crashed");
    crash.setDown(false);
    assertThatThrownBy(gate::getConnection)
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08001"));
  }

  @Test
  void aDelayedStatementRunsAndCounts() throws SQLException {
    db.delay("INSERT", 1, 1);
    insertAndCommit("a");
    assertThat(count()).isEqualTo(1);
    assertThat(db.injected()).isEqualTo(1);
    assertThat(db.allStruck()).isTrue();
  }

  @Test
  void statementsKeepTheirTypeAndPointBackToTheWrappedConnection() throws SQLException {
    try (Connection c = db.getConnection();
        CallableStatement call = c.prepareCall("SELECT 1");
        Statement plain = c.createStatement()) {
      assertThat(call.getConnection()).isSameAs(c);
      assertThat(plain.getConnection()).isSameAs(c);
      db.fail("SELECT 1", When.BEFORE, 1);
      assertThatThrownBy(call::executeQuery).isInstanceOf(SQLException.class);
      assertThat(plain.execute("SELECT 1")).isTrue();
    }
  }
}
