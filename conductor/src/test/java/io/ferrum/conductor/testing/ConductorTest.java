package io.ferrum.conductor.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test method once per cell of {real pool, synchronous pool} × {H2, PostgreSQL}, with a
 * fresh {@link ConductorEnv} parameter, and checks the conductor's invariants after each run (see
 * {@link ConductorMatrix}).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@TestTemplate
@ExtendWith(ConductorMatrix.class)
public @interface ConductorTest {

  /**
   * Whether the cell's first conductor runs its periodic tasks (power sync, timeouts, recovery). On
   * by default, as in production; only a test that drives one of them by hand turns them off, so
   * that its own call is the only run.
   */
  boolean periodicTasks() default true;
}
