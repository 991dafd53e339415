package io.ferrum.benchmarks;

import io.ferrum.faults.ForwardingDataSource;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/** A data source that counts executed SQL statements (every {@code execute*} call). */
final class CountingDataSource extends ForwardingDataSource {

  private final AtomicLong executed = new AtomicLong();

  CountingDataSource(DataSource delegate) {
    super(delegate);
  }

  long executed() {
    return executed.get();
  }

  @Override
  public Connection getConnection() throws SQLException {
    return wrap(super.getConnection());
  }

  @Override
  public Connection getConnection(String user, String password) throws SQLException {
    return wrap(super.getConnection(user, password));
  }

  private Connection wrap(Connection connection) {
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
              Object result = forward(connection, method, args);
              if (result instanceof Statement statement) {
                return wrap(statement, method.getReturnType());
              }
              return result;
            });
  }

  private Object wrap(Statement statement, Class<?> type) {
    return Proxy.newProxyInstance(
        Statement.class.getClassLoader(),
        new Class<?>[] {type},
        (proxy, method, args) -> {
          if (method.getName().startsWith("execute")) {
            executed.incrementAndGet();
          }
          return forward(statement, method, args);
        });
  }
}
