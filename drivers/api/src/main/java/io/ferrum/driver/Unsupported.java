package io.ferrum.driver;

import java.lang.reflect.Proxy;

/**
 * The hardware interfaces a hardware type does not have: every call, {@code validate} included,
 * fails with an {@link UnsupportedDriverOperationException} that names the hardware type and the
 * call. Stateless and thread-safe.
 */
final class Unsupported {

  private Unsupported() {}

  /** An {@code type} interface called {@code interfaceName} that refuses every call. */
  static <T> T of(Class<T> type, String interfaceName, String hardwareType) {
    return type.cast(
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "equals" -> args != null && args.length == 1 && proxy == args[0];
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "toString" -> hardwareType + " has no " + interfaceName + " interface";
                  default ->
                      throw new UnsupportedDriverOperationException(
                          "Hardware type "
                              + hardwareType
                              + " has no "
                              + interfaceName
                              + " interface ("
                              + interfaceName
                              + "."
                              + method.getName()
                              + " is not supported)");
                }));
  }
}
