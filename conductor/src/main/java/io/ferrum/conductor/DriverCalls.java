package io.ferrum.conductor;

import io.ferrum.driver.DriverException;
import io.ferrum.driver.DriverTimeoutException;
import io.ferrum.driver.HardwareInterface;
import io.ferrum.driver.HardwareType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Deadlines on driver calls.
 *
 * Rule: no driver call can hold a worker, a periodic task or a node's lock longer than its
 * interface's deadline. A call runs on a thread of this class while its caller waits for at most
 * the deadline; past it the caller gets a DriverTimeoutException, which its job handles like any
 * driver failure (fail edge, last_error, release), and the call's thread is interrupted and
 * abandoned. A driver thread that ignores the interrupt stays stuck, but holds nothing of the
 * conductor's: no worker, no lock, no database connection.
 *
 * Checks of a node's configuration (validate, validateRaidConfig) have a deadline of their own,
 * short: they should touch no hardware. A deadline of zero runs the interface's calls on the
 * caller's thread without one, for deterministic tests.
 */
/** Runs a conductor's driver calls with a deadline per hardware interface. Thread-safe. */
final class DriverCalls {

  private static final Logger LOG = LoggerFactory.getLogger(DriverCalls.class);

  /**
   * Default deadlines per interface: ten seconds for any interface's {@code validate} (it checks
   * configuration), a minute for power and management (Ironic waits a minute for a power state
   * change), ten minutes for boot preparation, thirty for deploy, clean, inspect and rescue steps
   * (Ironic's callback timeout). A call that is given a timeout of its own (a soft power off) gets
   * that much more.
   */
  static final Map<String, Duration> DEFAULT_DEADLINES =
      Map.of(
          "validate", Duration.ofSeconds(10),
          "power", Duration.ofSeconds(60),
          "management", Duration.ofSeconds(60),
          "boot", Duration.ofMinutes(10),
          "deploy", Duration.ofMinutes(30),
          "clean", Duration.ofMinutes(30),
          "inspect", Duration.ofMinutes(30),
          "rescue", Duration.ofMinutes(30));

  private final String conductor;
  private final Map<String, Duration> deadlines;
  private final ThreadPoolExecutor threads;
  private final java.util.concurrent.ScheduledThreadPoolExecutor timers;
  private final AtomicLong abandoned = new AtomicLong();
  private final AtomicInteger stuck = new AtomicInteger();
  private final java.util.concurrent.Semaphore slots;
  private final int maxCalls;
  private volatile Fence fence = (era, node) -> null;

  /** Decides whether a driver call may be made now (the rule lives in {@link Membership}). */
  @FunctionalInterface
  interface Fence {
    /**
     * Why a driver call may not be made now, or {@code null} if it may.
     *
     * @param era the era of the task making the call ({@link LiveReservations#eraOf}); {@link
     *     Long#MAX_VALUE} for a task that holds no reservation
     * @param node the label of the node the call is for
     */
    String refusal(long era, String node);
  }

  /**
   * Abandoned calls whose thread still runs, past which new calls are refused: a driver that never
   * returns must not take every thread of the process.
   */
  static final int MAX_STUCK = 1000;

  /**
   * How late a deadline's timer may run before the conductor suspects its own process (paused,
   * starved of CPU) rather than the driver, and gives the call {@link #GRACE} more.
   */
  static final Duration LATE = Duration.ofSeconds(1);

  /** The extra time a call gets when its deadline was noticed late. */
  static final Duration GRACE = Duration.ofSeconds(1);

  /**
   * @param deadlines per interface name ({@code power}, {@code deploy}, ...); missing ones default
   * @param maxCalls the most driver calls in progress at once; a call abandoned at its deadline no
   *     longer counts, so hung drivers cannot use them up
   */
  DriverCalls(String conductor, Map<String, Duration> deadlines, int maxCalls) {
    this.maxCalls = maxCalls;
    this.slots = new java.util.concurrent.Semaphore(maxCalls);
    this.conductor = conductor;
    Map<String, Duration> all = new ConcurrentHashMap<>(DEFAULT_DEADLINES);
    all.putAll(deadlines);
    this.deadlines = Map.copyOf(all);
    AtomicInteger counter = new AtomicInteger();
    this.threads =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            60,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, conductor + "-driver-" + counter.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.timers =
        new java.util.concurrent.ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, conductor + "-driver-deadlines");
              t.setDaemon(true);
              return t;
            });
    this.timers.setRemoveOnCancelPolicy(true);
  }

  /**
   * Refuses every driver call but configuration checks that {@code fence} refuses, with its reason:
   * a conductor that may have been declared dead must not act on hardware its peers may be acting
   * on. The check is made as each call starts; a call already running when the fence closes runs to
   * its end (or its deadline): the hardware may already be acting on it.
   */
  void fence(Fence fence) {
    this.fence = fence;
  }

  /** The deadline of calls to interface {@code name}. */
  Duration deadline(String name) {
    return deadlines.getOrDefault(name, Duration.ofMinutes(30));
  }

  /** How many calls were abandoned after their deadline since the start. */
  long abandoned() {
    return abandoned.get();
  }

  /** How many abandoned calls still have not returned: threads a driver holds. */
  int stuck() {
    return stuck.get();
  }

  /**
   * {@code type} with a deadline on every call of its interfaces, for the calls of a task opened in
   * era {@code era} on node {@code node}: the fence judges each call with them. A new object each
   * time: the task keeps it.
   */
  HardwareType guard(HardwareType type, long era, String node) {
    return wrap(type, era, node);
  }

  private HardwareType wrap(HardwareType type, long era, String node) {
    Map<Method, Object> interfaces = new ConcurrentHashMap<>();
    return (HardwareType)
        Proxy.newProxyInstance(
            HardwareType.class.getClassLoader(),
            new Class<?>[] {HardwareType.class},
            (proxy, method, args) -> {
              if (method.getParameterCount() == 0
                  && HardwareInterface.class.isAssignableFrom(method.getReturnType())) {
                return interfaces.computeIfAbsent(
                    method,
                    m -> wrapInterface(m.getName(), m.getReturnType(), invoke(type, m), era, node));
              }
              return objectMethod(proxy, method, args, type);
            });
  }

  private Object wrapInterface(String name, Class<?> type, Object target, long era, String node) {
    return Proxy.newProxyInstance(
        type.getClassLoader(),
        new Class<?>[] {type},
        (proxy, method, args) -> {
          if (method.getDeclaringClass() == Object.class) {
            return objectMethod(proxy, method, args, target);
          }
          // validate, validateRaidConfig: checks of configuration.
          boolean check = method.getName().startsWith("validate");
          String refusal = check ? null : fence.refusal(era, node);
          if (refusal != null) {
            throw new DriverException(
                "Driver call " + name + "." + method.getName() + " refused: " + refusal);
          }
          Duration deadline = check ? deadline("validate") : deadline(name);
          if (deadline.isZero()) {
            return invoke(target, method, args);
          }
          if (args != null) {
            for (Object arg : args) {
              if (arg instanceof Duration own && !own.isNegative()) {
                deadline = deadline.plus(own);
              }
            }
          }
          return call(name + "." + method.getName(), deadline, () -> invoke(target, method, args));
        });
  }

  /**
   * Runs {@code call} on a driver thread and waits for at most {@code deadline}.
   *
   * @throws DriverTimeoutException past the deadline (the call is interrupted and abandoned)
   * @throws DriverException if no driver thread is free, or the wait was interrupted
   */
  <T> T call(String what, Duration deadline, Callable<T> call) {
    CompletableFuture<T> result = callAsync(what, deadline, call);
    try {
      return result.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new DriverException("Driver call " + what + " failed: " + cause, cause);
    } catch (InterruptedException e) {
      result.cancel(true);
      Thread.currentThread().interrupt();
      throw new DriverException("Interrupted while waiting for driver call " + what, e);
    }
  }

  /**
   * Starts {@code call} on a driver thread; the future completes with its result, or with a {@link
   * DriverTimeoutException} at the deadline (the call is then interrupted and abandoned), or a
   * {@link DriverException} if no driver thread is free. Cancelling the future interrupts the call.
   */
  <T> CompletableFuture<T> callAsync(String what, Duration deadline, Callable<T> call) {
    return callAsync(what, deadline, call, () -> {});
  }

  /**
   * As {@link #callAsync(String, Duration, Callable)}, and {@code returned} runs once when no
   * thread is in the call any more: when the call returns or throws (before the future completes
   * with what it returned or threw), or at once if it never starts (refused, or cancelled before a
   * thread took it). For a call abandoned at its deadline, that is only when its thread finally
   * comes back, which may be never.
   */
  <T> CompletableFuture<T> callAsync(
      String what, Duration deadline, Callable<T> call, Runnable returned) {
    java.util.concurrent.atomic.AtomicBoolean told =
        new java.util.concurrent.atomic.AtomicBoolean();
    Runnable tell =
        () -> {
          if (told.compareAndSet(false, true)) {
            returned.run();
          }
        };
    CompletableFuture<T> result = new CompletableFuture<>();
    if (stuck.get() >= MAX_STUCK) {
      tell.run();
      result.completeExceptionally(
          new DriverException(
              "Driver call "
                  + what
                  + " refused: "
                  + stuck.get()
                  + " driver calls on conductor "
                  + conductor
                  + " passed their deadline and still have not returned; a driver is not"
                  + " answering interrupts"));
      return result;
    }
    if (!slots.tryAcquire()) {
      tell.run();
      result.completeExceptionally(
          new DriverException(
              "No thread free for driver call "
                  + what
                  + ": all "
                  + maxCalls
                  + " driver calls of conductor "
                  + conductor
                  + " are in progress; retry later"));
      return result;
    }
    // The slot is given back once: when the call returns, or when it is abandoned, whichever comes
    // first. An abandoned call's thread counts as stuck until it returns.
    java.util.concurrent.atomic.AtomicBoolean slotHeld =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    // 0: running, 1: returned, 2: abandoned at its deadline (then stuck until it returns).
    AtomicInteger state = new AtomicInteger();
    Runnable freeSlot =
        () -> {
          if (slotHeld.compareAndSet(true, false)) {
            slots.release();
          }
        };
    // Whoever sets this first owns the end of the call: the thread that runs it, or a cancel that
    // came before any thread took it (the call then never runs).
    java.util.concurrent.atomic.AtomicBoolean claimed =
        new java.util.concurrent.atomic.AtomicBoolean();
    Runnable ended =
        () -> {
          freeSlot.run();
          if (!state.compareAndSet(0, 1)) {
            stuck.decrementAndGet(); // abandoned earlier: no longer stuck
          }
          tell.run();
        };
    Runnable endIfUnstarted =
        () -> {
          if (claimed.compareAndSet(false, true)) {
            ended.run();
          }
        };
    Future<?> running;
    try {
      running =
          threads.submit(
              () -> {
                if (!claimed.compareAndSet(false, true)) {
                  return; // cancelled before it started
                }
                T value = null;
                Throwable thrown = null;
                try {
                  value = call.call();
                } catch (Throwable t) { // NOPMD: the caller gets whatever the driver threw
                  thrown = t;
                } finally {
                  // Before the result is visible: whoever sees it knows no thread is in the call.
                  ended.run();
                }
                if (thrown == null) {
                  result.complete(value);
                } else {
                  result.completeExceptionally(thrown);
                }
              });
    } catch (RejectedExecutionException e) {
      freeSlot.run();
      tell.run();
      result.completeExceptionally(new DriverException("The conductor is stopping", e));
      return result;
    }
    long due = System.nanoTime() + deadline.toNanos();
    java.util.concurrent.atomic.AtomicReference<java.util.concurrent.ScheduledFuture<?>> timer =
        new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicBoolean graced =
        new java.util.concurrent.atomic.AtomicBoolean();
    Runnable[] expire = new Runnable[1];
    expire[0] =
        () -> {
          long late = System.nanoTime() - due;
          if (late > LATE.toNanos() && !result.isDone() && graced.compareAndSet(false, true)) {
            // The deadline's own timer ran late: this process was paused or starved, and the
            // call's thread, which may have its answer already, was held up too. It gets a
            // moment to come back before the call counts as hung.
            LOG.warn(
                "Conductor {}: the deadline of driver call {} was noticed {} late (the process"
                    + " was paused or starved); the call gets {} more",
                conductor,
                what,
                seconds(Duration.ofNanos(late)),
                seconds(GRACE));
            try {
              timer.set(timers.schedule(expire[0], GRACE.toNanos(), TimeUnit.NANOSECONDS));
              return;
            } catch (RejectedExecutionException e) {
              // Stopping: abandon it now.
            }
          }
          if (result.completeExceptionally(timeout(what, deadline, graced.get()))
              && state.compareAndSet(0, 2)) {
            stuck.incrementAndGet();
            freeSlot.run();
            running.cancel(true);
            endIfUnstarted.run();
            abandoned.incrementAndGet();
            LOG.warn(
                "Conductor {}: driver call {} passed its deadline of {}; abandoned ({} still"
                    + " stuck)",
                conductor,
                what,
                seconds(deadline),
                stuck.get());
          }
        };
    try {
      timer.set(timers.schedule(expire[0], deadline.toNanos(), TimeUnit.NANOSECONDS));
    } catch (RejectedExecutionException e) {
      running.cancel(true);
      endIfUnstarted.run();
      result.completeExceptionally(new DriverException("The conductor is stopping", e));
      return result;
    }
    result.whenComplete(
        (value, failure) -> {
          timer.get().cancel(false);
          if (result.isCancelled()) {
            running.cancel(true);
            endIfUnstarted.run();
          }
        });
    return result;
  }

  private static DriverTimeoutException timeout(String what, Duration deadline, boolean late) {
    return new DriverTimeoutException(
        "The driver call "
            + what
            + " did not return within its deadline of "
            + seconds(deadline)
            + "; it was abandoned (the hardware may still be acting on it)"
            + (late
                ? "; the conductor's process was paused or starved while it ran, which may be"
                    + " the cause"
                : ""));
  }

  /** The thread that enforces deadlines, for tests that hold it up as a paused process would. */
  java.util.concurrent.ScheduledExecutorService deadlineTimer() {
    return timers;
  }

  /** Interrupts the calls in progress and stops the driver threads. */
  void shutdown() {
    threads.shutdownNow();
    timers.shutdownNow();
  }

  private static String seconds(Duration deadline) {
    return deadline.toMillis() % 1000 == 0
        ? deadline.toSeconds() + " s"
        : deadline.toMillis() + " ms";
  }

  private static Object objectMethod(Object proxy, Method method, Object[] args, Object target)
      throws Throwable {
    return switch (method.getName()) {
      case "equals" ->
          method.getParameterCount() == 1 ? proxy == args[0] : invoke(target, method, args);
      case "hashCode" ->
          method.getParameterCount() == 0
              ? System.identityHashCode(proxy)
              : invoke(target, method, args);
      default -> invoke(target, method, args);
    };
  }

  private static Object invoke(Object target, Method method) {
    try {
      return method.invoke(target);
    } catch (InvocationTargetException e) {
      throw sneaky(e.getCause());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Exception {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw sneaky(e.getCause());
    }
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
    throw (E) t;
  }
}
