package io.ferrum.testkit.sim;

import java.util.concurrent.Semaphore;

/**
 * A thread that runs only while its resumer waits: one of the simulation's cooperative threads.
 * Exactly one thread of a simulation runs at any moment, so a run is as deterministic as the code
 * it runs. Not thread-safe beyond that hand-over.
 */
final class Fiber {

  /** Thrown inside a fiber whose conductor crashed: it unwinds the fiber without any effect. */
  static final class Crash extends Error {
    private static final long serialVersionUID = 1L;

    Crash(String message) {
      super(message, null, false, false);
    }
  }

  private static final ThreadLocal<Fiber> CURRENT = new ThreadLocal<>();

  final String label;
  final int conductor;
  private final Semaphore toFiber = new Semaphore(0);
  private final Semaphore toResumer = new Semaphore(0);
  private final Thread thread;
  private volatile boolean finished;
  private volatile boolean killed;
  private volatile Throwable failure;

  /** The node this fiber's current driver call acts on, while it is parked in one. */
  volatile String parkedOn;

  /** What the fiber is parked in, for the trace. */
  volatile String parkedAt;

  Fiber(String label, int conductor, Runnable body) {
    this.label = label;
    this.conductor = conductor;
    this.thread =
        new Thread(
            () -> {
              CURRENT.set(this);
              toFiber.acquireUninterruptibly();
              try {
                if (!killed) {
                  body.run();
                }
              } catch (Crash crash) {
                // the conductor died under it: nothing to report
              } catch (Throwable t) { // NOPMD: kept for the simulation to report
                failure = t;
              } finally {
                finished = true;
                toResumer.release();
              }
            },
            "sim-" + label);
    thread.setDaemon(true);
    thread.start();
  }

  /** The fiber the calling thread runs, or {@code null} on the simulation's own thread. */
  static Fiber current() {
    return CURRENT.get();
  }

  /** Runs the fiber until it parks or ends; the caller waits meanwhile. */
  void resume() {
    if (finished) {
      return;
    }
    toFiber.release();
    toResumer.acquireUninterruptibly();
  }

  /** Ends a parked fiber: it resumes and throws {@link Crash} from where it parked. */
  void kill() {
    killed = true;
    resume();
  }

  /** Called on the fiber's own thread: hands control back to the resumer until resumed. */
  void park() {
    toResumer.release();
    toFiber.acquireUninterruptibly();
    if (killed) {
      throw new Crash("conductor crashed while " + label + " was parked");
    }
  }

  boolean finished() {
    return finished;
  }

  /** What escaped the fiber's body, other than a crash. */
  Throwable failure() {
    return failure;
  }
}
