package io.ferrum.testkit.conductor;

import io.ferrum.driver.BootInterface;
import io.ferrum.driver.CleanInterface;
import io.ferrum.driver.DeployInterface;
import io.ferrum.driver.DriverException;
import io.ferrum.driver.DriverNode;
import io.ferrum.driver.DriverSettings;
import io.ferrum.driver.DriverTimeoutException;
import io.ferrum.driver.HardwareType;
import io.ferrum.driver.InspectInterface;
import io.ferrum.driver.ManagementInterface;
import io.ferrum.driver.PowerInterface;
import io.ferrum.driver.RescueInterface;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A hardware type that behaves as the one it wraps, under the same name, except for the calls it is
 * told to fail: a call to one of its hardware interfaces ({@code power}, {@code management}, {@code
 * deploy}, {@code boot}, {@code inspect}, {@code clean}, {@code rescue}) named {@code
 * interface.method}, e.g. {@code power.setPowerState} or {@code deploy.deploy}, can throw a {@link
 * DriverException}, a bare {@link RuntimeException} or an {@link Error} instead of reaching the
 * hardware, or hang: block until interrupted or until the hang limit passes, then fail with a
 * {@link DriverTimeoutException}.
 *
 * <pre>{@code
 * FaultyHardware hardware = new FaultyHardware(new MyHardware(), Duration.ofSeconds(2));
 * hardware.failNext(call -> call.equals("power.setPowerState"), FaultyHardware.Failure.ERROR, 1);
 * Conductor.builder().hardwareType(hardware)...
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class FaultyHardware implements HardwareType {

  /** What a failing call does. */
  public enum Failure {
    /** Throws a {@link DriverException}, as hardware that answers with an error does. */
    DRIVER_EXCEPTION,
    /** Throws a bare {@link IllegalStateException}: a driver bug. */
    RUNTIME_EXCEPTION,
    /** Throws an {@link Error} (an {@link AssertionError}): a driver far gone. */
    ERROR,
    /**
     * Blocks until interrupted or until the hang limit passes, then throws a {@link
     * DriverTimeoutException}: hardware that does not answer.
     */
    HANG
  }

  private record Fault(Predicate<String> call, Failure failure, AtomicInteger remaining) {}

  private final HardwareType delegate;
  private final Duration hangLimit;
  private final List<Fault> faults = new CopyOnWriteArrayList<>();
  private final AtomicInteger struck = new AtomicInteger();

  /**
   * Wraps {@code delegate}; a hanging call blocks at most {@code hangLimit} (give the conductor a
   * shorter driver call deadline to see it abandon the call).
   */
  public FaultyHardware(HardwareType delegate, Duration hangLimit) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.hangLimit = Objects.requireNonNull(hangLimit, "hangLimit");
  }

  /** The next {@code times} calls whose name {@code call} accepts fail with {@code failure}. */
  public void failNext(Predicate<String> call, Failure failure, int times) {
    faults.add(new Fault(call, failure, new AtomicInteger(times)));
  }

  /** Forgets every pending fault. */
  public void clearFaults() {
    faults.clear();
  }

  /** How many calls failed on command so far. */
  public int struck() {
    return struck.get();
  }

  /** The hardware type this one wraps. */
  public HardwareType delegate() {
    return delegate;
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public PowerInterface power() {
    return wrap(PowerInterface.class, "power", delegate.power());
  }

  @Override
  public ManagementInterface management() {
    return wrap(ManagementInterface.class, "management", delegate.management());
  }

  @Override
  public DeployInterface deploy() {
    return wrap(DeployInterface.class, "deploy", delegate.deploy());
  }

  @Override
  public BootInterface boot() {
    return wrap(BootInterface.class, "boot", delegate.boot());
  }

  @Override
  public InspectInterface inspect() {
    return wrap(InspectInterface.class, "inspect", delegate.inspect());
  }

  @Override
  public CleanInterface clean() {
    return wrap(CleanInterface.class, "clean", delegate.clean());
  }

  @Override
  public RescueInterface rescue() {
    return wrap(RescueInterface.class, "rescue", delegate.rescue());
  }

  @Override
  public void configure(DriverSettings settings) {
    delegate.configure(settings);
  }

  @Override
  public void checkInput(DriverNode node) {
    delegate.checkInput(node);
  }

  @Override
  public Map<String, List<String>> supportedInterfaces() {
    return delegate.supportedInterfaces();
  }

  @Override
  public Map<String, String> driverProperties() {
    return delegate.driverProperties();
  }

  private <T> T wrap(Class<T> type, String prefix, T real) {
    return type.cast(
        Proxy.newProxyInstance(
            FaultyHardware.class.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> invoke(prefix, real, proxy, method, args)));
  }

  private Object invoke(String prefix, Object real, Object proxy, Method method, Object[] args)
      throws Throwable {
    switch (method.getName()) {
      case "equals" -> {
        return proxy == args[0];
      }
      case "hashCode" -> {
        return System.identityHashCode(proxy);
      }
      case "toString" -> {
        return "faulty " + prefix + " of " + delegate.name();
      }
      default -> {}
    }
    String call = prefix + "." + method.getName();
    Failure failure = strike(call);
    if (failure != null) {
      fail(call, failure);
    }
    try {
      return method.invoke(real, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private Failure strike(String call) {
    for (Fault fault : faults) {
      if (fault.call().test(call) && fault.remaining().getAndDecrement() > 0) {
        struck.incrementAndGet();
        return fault.failure();
      }
    }
    return null;
  }

  private void fail(String call, Failure failure) {
    switch (failure) {
      case DRIVER_EXCEPTION -> throw new DriverException("injected failure of " + call);
      case RUNTIME_EXCEPTION -> throw new IllegalStateException("injected bug in " + call);
      case ERROR -> throw new AssertionError("injected error in " + call);
      case HANG -> {
        try {
          Thread.sleep(hangLimit.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new DriverTimeoutException("injected hang of " + call + " was interrupted", e);
        }
        throw new DriverTimeoutException("injected hang of " + call + " gave up");
      }
      default -> throw new IllegalArgumentException(String.valueOf(failure));
    }
  }
}
