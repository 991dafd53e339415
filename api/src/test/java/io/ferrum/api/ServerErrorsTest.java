package io.ferrum.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferrum.api.TestServer.Reply;
import io.ferrum.conductor.SynchronousWorkerPool;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the server says when it, not the client, is the problem: a database failure is a 503, a full
 * queue a 503, anything unexpected a 500 with a request id; never an exception text, class name,
 * JDBC URL or address, and never a Retry-After header, which Ironic's client cannot read.
 */
class ServerErrorsTest {

  private TestServer api;

  @AfterEach
  void stop() {
    if (api != null) {
      api.close();
    }
  }

  /** A data source that can be taken down; down, it fails the way a lost PostgreSQL does. */
  static final class SwitchableDataSource implements DataSource {
    private final DataSource delegate;
    volatile boolean down;

    SwitchableDataSource(DataSource delegate) {
      this.delegate = delegate;
    }

    @Override
    public Connection getConnection() throws SQLException {
      if (down) {
        throw new SQLException(
            "Connection to db.internal.example:5432 refused (jdbc:postgresql://"
                + "db.internal.example:5432/ferrum?user=ferrum&password=pw)",
            "08001");
      }
      return delegate.getConnection();
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
      return false;
    }
  }

  private static void assertNothingInternal(Reply reply) {
    assertThat(reply.raw().body())
        .doesNotContain(
            "db.internal", "5432", "jdbc", "SQL", "Exception", "io.ferrum", "org.jdbi", "pw");
  }

  @Test
  void databaseDown_is503WithRetryAfter_andNoDetails_thenServesAgain() throws Exception {
    SwitchableDataSource[] database = new SwitchableDataSource[1];
    api =
        new TestServer(
            new TestServer.Options()
                .database(
                    pool -> {
                      database[0] = new SwitchableDataSource(pool);
                      return database[0];
                    }));
    Reply created = api.call("POST", "/v1/nodes", "1.78", "{\"driver\": \"fake-hardware\"}");
    String node = created.body().get("uuid").asText();
    database[0].down = true;

    List<Reply> replies =
        List.of(
            api.get("/v1/nodes"),
            api.get("/v1/nodes/" + node),
            api.call("POST", "/v1/nodes", "1.78", "{\"driver\": \"fake-hardware\"}"),
            api.call(
                "PATCH",
                "/v1/nodes/" + node,
                "1.78",
                "[{\"op\": \"add\", \"path\": \"/extra/a\", \"value\": 1}]"),
            api.call(
                "PUT",
                "/v1/nodes/" + node + "/states/provision",
                "1.78",
                "{\"target\": \"manage\"}"));
    for (Reply reply : replies) {
      assertThat(reply.status()).isEqualTo(503);
      assertThat(reply.header("Retry-After")).isNull();
      assertThat(reply.fault()).isEqualTo("Database unavailable; retry later");
      assertNothingInternal(reply);
    }

    database[0].down = false;
    assertThat(api.get("/v1/nodes/" + node).status()).isEqualTo(200);
  }

  @Test
  void unexpectedFailure_is500WithTheRequestId_andNoDetails() throws Exception {
    TestServer.Options options = new TestServer.Options();
    options.workers = new SynchronousWorkerPool();
    api = new TestServer(options);
    api.call(
        "POST",
        "/v1/nodes",
        "1.78",
        "{\"driver\": \"fake-hardware\", \"name\": \"n1\", \"driver_info\": {\"fake_fail\":"
            + " \"validate\", \"fake_fail_with\": \"runtime\"}}");

    Reply reply =
        api.call("PUT", "/v1/nodes/n1/states/power", "1.78", "{\"target\": \"power on\"}");

    assertThat(reply.status()).isEqualTo(500);
    assertThat(reply.fault())
        .isEqualTo(
            "Internal error; the server's log has the details under "
                + reply.header("Openstack-Request-Id"));
    assertNothingInternal(reply);
    assertThat(reply.raw().body()).doesNotContain("IllegalState", "fake validate");
    assertThat(api.get("/v1/nodes/n1").status()).isEqualTo(200);
  }

  @Test
  void validatePastItsDeadline_onTheRequestThread_is503_andReleasesTheNode() throws Exception {
    api =
        new TestServer(
            new TestServer.Options()
                .conductor(b -> b.driverCallTimeout("validate", Duration.ofMillis(200))));
    api.call(
        "POST",
        "/v1/nodes",
        "1.78",
        "{\"driver\": \"fake-hardware\", \"name\": \"hung\", \"driver_info\":"
            + " {\"fake_hang\": \"validate\", \"fake_hang_ms\": 5000}}");

    Reply power =
        api.call("PUT", "/v1/nodes/hung/states/power", "1.78", "{\"target\": \"power on\"}");
    Reply bootDevice = api.get("/v1/nodes/hung/management/boot_device");

    for (Reply reply : List.of(power, bootDevice)) {
      assertThat(reply.status()).as(reply.raw().body()).isEqualTo(503);
      assertThat(reply.header("Retry-After")).isNull();
      assertThat(reply.fault())
          .startsWith("Could not ")
          .contains("node hung", "validate did not return within its deadline of 200 ms");
      assertNothingInternal(reply);
    }
    assertThat(api.get("/v1/nodes/hung").body().get("reservation").isNull()).isTrue();
    assertThat(
            api.call(
                    "PATCH",
                    "/v1/nodes/hung",
                    "1.78",
                    "[{\"op\": \"remove\", \"path\": \"/driver_info/fake_hang\"}]")
                .status())
        .as("the node is not left locked")
        .isEqualTo(200);
  }

  @Test
  void fullQueue_is503WithRetryAfter_andTheServerRecovers() throws Exception {
    TestServer.Options options =
        new TestServer.Options()
            .limits(
                new HttpLimits(64, 1, 0, Duration.ofSeconds(30), Duration.ofSeconds(30), 1 << 20));
    api = new TestServer(options);
    api.call(
        "POST",
        "/v1/nodes",
        "1.78",
        "{\"driver\": \"fake-hardware\", \"name\": \"slow\", \"driver_info\":"
            + " {\"fake_delay_ms\": 300}}");
    CompletableFuture<Reply> busy =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return api.get("/v1/nodes/slow/validate");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            ConcurrentTests.OWN_THREAD);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (api.server.busyWorkers() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }

    Reply refused = api.get("/v1/nodes");

    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.header("Retry-After")).isNull();
    assertThat(refused.fault()).isEqualTo("The API is busy; retry later");
    assertThat(api.call("GET", "/", null, null).status())
        .as("discovery needs no worker")
        .isEqualTo(200);
    assertThat(busy.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
    assertThat(api.get("/v1/nodes").status()).isEqualTo(200);
  }
}
