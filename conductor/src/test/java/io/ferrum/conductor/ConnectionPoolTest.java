package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import org.h2.jdbc.JdbcConnection;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConnectionPoolTest {

  private ConnectionPool pool;

  @BeforeEach
  void setUp() throws SQLException {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    pool = new ConnectionPool(h2, 2, Duration.ofMillis(200));
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))");
      s.execute("INSERT INTO t VALUES (1, 'a')");
    }
  }

  @AfterEach
  void tearDown() throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute("SHUTDOWN");
    }
    pool.close();
  }

  @Test
  void returnedConnection_isReusedWithItsSession() throws SQLException {
    Object first;
    try (Connection c = pool.getConnection()) {
      first = c.unwrap(JdbcConnection.class).getSession();
    }
    try (Connection c = pool.getConnection()) {
      assertThat(c.unwrap(JdbcConnection.class).getSession()).isSameAs(first);
    }
  }

  @Test
  void statementsStayParsedAcrossCheckouts() throws SQLException {
    // H2 hands out its cached command again only if nothing rolled the session back meanwhile.
    Object command;
    try (Connection c = pool.getConnection();
        PreparedStatement p = c.prepareStatement("SELECT v FROM t WHERE id = ?")) {
      command = commandOf(p);
    }
    try (Connection c = pool.getConnection();
        PreparedStatement p = c.prepareStatement("SELECT v FROM t WHERE id = ?")) {
      assertThat(commandOf(p)).isSameAs(command);
    }
  }

  @Test
  void connectionLeftInATransaction_isRolledBackOnReturn() throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.executeUpdate("UPDATE t SET v = 'changed' WHERE id = 1");
    }
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT v FROM t WHERE id = 1")) {
      assertThat(c.getAutoCommit()).isTrue();
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("a");
    }
  }

  @Test
  void allInUse_waitsThenSaysSo() throws SQLException {
    try (Connection a = pool.getConnection();
        Connection b = pool.getConnection()) {
      assertThat(pool.activeConnections()).isEqualTo(2);
      assertThatThrownBy(pool::getConnection)
          .isInstanceOf(SQLTimeoutException.class)
          .hasMessageContaining("all 2 in use");
    }
    assertThat(pool.activeConnections()).isZero();
    try (Connection c = pool.getConnection()) {
      assertThat(c.isValid(1)).isTrue();
    }
  }

  @Test
  void closedHandle_refusesWorkAndClosingTwiceReturnsOnce() throws SQLException {
    Connection c = pool.getConnection();
    c.close();
    c.close();
    assertThat(c.isClosed()).isTrue();
    assertThat(pool.activeConnections()).isZero();
    assertThatThrownBy(c::createStatement)
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("returned to its pool");
  }

  @Test
  void physicallyClosedConnection_isDroppedNotReused() throws SQLException {
    Object broken;
    try (Connection c = pool.getConnection()) {
      JdbcConnection physical = c.unwrap(JdbcConnection.class);
      broken = physical.getSession();
      physical.close();
    }
    try (Connection c = pool.getConnection()) {
      assertThat(c.unwrap(JdbcConnection.class).getSession()).isNotSameAs(broken);
      assertThat(c.isValid(1)).isTrue();
    }
  }

  @Test
  void closedPool_refusesCheckouts() {
    ConnectionPool other = new ConnectionPool(new JdbcDataSource(), 1, Duration.ofSeconds(1));
    other.close();
    assertThatThrownBy(other::getConnection)
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("closed");
  }

  private static Object commandOf(PreparedStatement statement) {
    try {
      java.lang.reflect.Field field =
          statement
              .unwrap(org.h2.jdbc.JdbcPreparedStatement.class)
              .getClass()
              .getDeclaredField("command");
      field.setAccessible(true);
      return field.get(statement.unwrap(org.h2.jdbc.JdbcPreparedStatement.class));
    } catch (ReflectiveOperationException | SQLException e) {
      throw new AssertionError(e);
    }
  }
}
