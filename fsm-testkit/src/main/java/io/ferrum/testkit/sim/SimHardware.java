package io.ferrum.testkit.sim;

import io.ferrum.driver.DriverNode;
import io.ferrum.driver.HardwareInterface;
import io.ferrum.driver.HardwareType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A hardware type as one conductor of the simulation sees it: every hardware call but {@code
 * validate} goes through {@link SimRun#driverCall} first (which may park the calling job, crash the
 * conductor, fail the call, or let it "hang" past its deadline in virtual time), then to the real
 * hardware type.
 */
final class SimHardware {

  private SimHardware() {}

  static HardwareType wrap(HardwareType type, SimRun run, int conductor) {
    Map<Method, Object> interfaces = new ConcurrentHashMap<>();
    return (HardwareType)
        Proxy.newProxyInstance(
            SimHardware.class.getClassLoader(),
            new Class<?>[] {HardwareType.class},
            (proxy, method, args) -> {
              if (method.getParameterCount() == 0
                  && HardwareInterface.class.isAssignableFrom(method.getReturnType())) {
                return interfaces.computeIfAbsent(
                    method,
                    m ->
                        wrapInterface(
                            m.getName(), m.getReturnType(), invoke(type, m, null), run, conductor));
              }
              if (method.getName().equals("equals")) {
                return proxy == args[0];
              }
              if (method.getName().equals("hashCode")) {
                return System.identityHashCode(proxy);
              }
              return invoke(type, method, args);
            });
  }

  private static Object wrapInterface(
      String name, Class<?> type, Object target, SimRun run, int conductor) {
    return Proxy.newProxyInstance(
        SimHardware.class.getClassLoader(),
        new Class<?>[] {type},
        (proxy, method, args) -> {
          if (method.getDeclaringClass() == Object.class) {
            if (method.getName().equals("equals")) {
              return proxy == args[0];
            }
            if (method.getName().equals("hashCode")) {
              return System.identityHashCode(proxy);
            }
            return invoke(target, method, args);
          }
          if (!method.getName().equals("validate")) {
            String node = null;
            if (args != null && args.length > 0 && args[0] instanceof DriverNode driverNode) {
              node = driverNode.uuid();
            }
            run.driverCall(conductor, name, name + "." + method.getName(), node);
          }
          return invoke(target, method, args);
        });
  }

  private static Object invoke(Object target, Method method, Object[] args) {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw sneaky(e.getCause());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
    throw (E) t;
  }
}
