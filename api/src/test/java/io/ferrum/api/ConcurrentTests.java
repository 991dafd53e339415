package io.ferrum.api;

import java.util.concurrent.Executor;

/** Executors for the parts of a test that must run at the same time as the test itself. */
final class ConcurrentTests {
  /**
   * Runs each task on a new daemon thread. {@code CompletableFuture}'s default pool is the common
   * fork-join pool, which on a two-core machine under newer JDKs has one worker: two "concurrent"
   * tasks would run one after the other, and a test that means to overlap them would not.
   */
  static final Executor OWN_THREAD =
      task -> {
        Thread thread = new Thread(task, "test-concurrent");
        thread.setDaemon(true);
        thread.start();
      };

  private ConcurrentTests() {}
}
