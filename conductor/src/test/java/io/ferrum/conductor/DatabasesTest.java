package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.sql.Connection;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Databases finds the JDBC driver the application brings, and names the artifact it lacks. */
class DatabasesTest {

  @Test
  void pooled_h2OnTheClasspath_connects() throws Exception {
    try (ConnectionPool pool = Databases.pooled("jdbc:h2:mem:" + UUID.randomUUID(), null, null, 2);
        Connection connection = pool.getConnection()) {
      assertThat(connection.getMetaData().getDatabaseProductName()).isEqualTo("H2");
    }
  }

  @Test
  void pooled_unknownUrl_isRefusedWithThePasswordHidden() {
    assertThatThrownBy(() -> Databases.pooled("jdbc:mysql://db/x?password=secret", null, null, 2))
        .isInstanceOf(InvalidParameterException.class)
        .hasMessage(
            "Unsupported database URL (use jdbc:h2:... or jdbc:postgresql://...):"
                + " jdbc:mysql://db/x?password=******");
  }

  @Test
  void pooled_driverMissing_namesTheArtifactToAdd() throws Exception {
    assertThat(pooledWithoutDrivers("jdbc:h2:mem:x"))
        .isEqualTo(
            "IllegalStateException: This database needs com.h2database:h2 on the classpath"
                + " (class org.h2.jdbcx.JdbcDataSource was not found); add it as a dependency");
    assertThat(pooledWithoutDrivers("jdbc:postgresql://127.0.0.1/x"))
        .startsWith(
            "IllegalStateException: This database needs org.postgresql:postgresql on the"
                + " classpath");
  }

  /**
   * Calls {@code Databases.pooled(url, ...)} as loaded from the conductor's own classes alone (no
   * JDBC driver, no Flyway), and returns the exception's simple name and message.
   */
  private static String pooledWithoutDrivers(String url) throws Exception {
    URL conductorClasses = Databases.class.getProtectionDomain().getCodeSource().getLocation();
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    try (URLClassLoader isolated =
        new URLClassLoader(new URL[] {conductorClasses}, ClassLoader.getPlatformClassLoader())) {
      Thread.currentThread().setContextClassLoader(isolated);
      Method pooled =
          isolated
              .loadClass(Databases.class.getName())
              .getMethod("pooled", String.class, String.class, String.class, int.class);
      try {
        pooled.invoke(null, url, null, null, 2);
        return "no exception";
      } catch (InvocationTargetException e) {
        return e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage();
      }
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
  }
}
