package io.ferrum.conductor;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link WorkerPool} of {@code size} workers and no queue (Ironic's pool, minus the backlog): a
 * job starts at once on a free worker or is refused. A worker is free again as soon as its job
 * returned, before the job's future completes, so back-to-back jobs are never refused. Threads are
 * made as needed and end after a minute idle. Thread-safe.
 */
public final class BoundedWorkerPool implements WorkerPool {

  private final WorkerSlots slots;
  private final ExecutorService threads;

  /** A pool of at most {@code size} running jobs, on threads named {@code <name>-worker-N}. */
  public BoundedWorkerPool(String name, int size) {
    this.slots = new WorkerSlots(size);
    AtomicInteger counter = new AtomicInteger();
    // Slots bound the jobs; the executor only supplies threads, reusing idle ones. A thread whose
    // job returned may still be on its way back when the next job is submitted: the executor then
    // makes another, so the bound on threads is a little above the bound on jobs.
    this.threads =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            60,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            runnable -> {
              Thread thread = new Thread(runnable, name + "-worker-" + counter.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  @Override
  public CompletableFuture<Void> submit(Runnable job) {
    slots.take();
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      threads.execute(() -> slots.run(job, done));
    } catch (RejectedExecutionException e) {
      slots.giveBack();
      throw new NoFreeWorkerException("The conductor is stopping and takes no new work", e);
    } catch (Throwable t) {
      slots.giveBack();
      throw t;
    }
    return done;
  }

  @Override
  public int active() {
    return slots.active();
  }

  @Override
  public int capacity() {
    return slots.capacity();
  }

  @Override
  public boolean shutdown(Duration deadline) {
    slots.stop();
    threads.shutdown();
    try {
      if (threads.awaitTermination(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
        return true;
      }
      // Interrupted jobs that answer the interrupt end within moments; the rest are left to the
      // conductor, which fences and fails their nodes.
      threads.shutdownNow();
      threads.awaitTermination(200, TimeUnit.MILLISECONDS);
      return false;
    } catch (InterruptedException e) {
      threads.shutdownNow();
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
