package io.ferrum.testkit.internal;

import io.ferrum.conductor.Secrets;
import io.ferrum.driver.DriverException;
import io.ferrum.driver.DriverNode;
import io.ferrum.driver.HardwareType;
import io.ferrum.driver.UnsupportedDriverOperationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Refuses a check whose nodes could never be managed: one where the hardware type refuses every
 * driver_info given, so that each {@code manage} fails validation and the check passes without
 * having driven anything.
 */
public final class DriverInfoCheck {

  private DriverInfoCheck() {}

  /**
   * Puts each of {@code driverInfos} through what the conductor asks of a node before it manages
   * it: {@link HardwareType#checkInput} (at create), the power interface's {@code validate} and the
   * management interface's {@code validate} (at {@code manage}; a hardware type without management
   * passes on power alone). Touches no hardware: a reachable machine is not checked. The hardware
   * type must already have its settings ({@link HardwareType#configure}).
   *
   * @param where what to call to give another driver_info, for the message
   * @throws IllegalArgumentException when the hardware type refuses every one, naming each
   *     driver_info and the hardware type's reason, secrets masked as the conductor masks them
   */
  public static void requireOneAccepted(
      HardwareType type, List<Map<String, Object>> driverInfos, String where) {
    List<String> refusals = new ArrayList<>();
    for (int i = 0; i < driverInfos.size(); i++) {
      Map<String, Object> info = driverInfos.get(i);
      // A node of its own every time: hardware types may keep state per node (fake-hardware
      // counts calls), which must not carry over into another check or into a run.
      String uuid = UUID.randomUUID().toString();
      DriverNode node = new DriverNode(uuid, "driver-info-check", type.name(), info, null, null);
      String refusal = refusal(type, node);
      if (refusal == null) {
        return;
      }
      refusals.add("driver_info " + Secrets.mask(info) + ": " + Secrets.maskText(refusal));
    }
    throw new IllegalArgumentException(
        "hardware type \""
            + type.name()
            + "\" refuses every driver_info given, so no node could be managed and the check"
            + " would pass without driving anything: "
            + String.join("; ", refusals)
            + ". Give a driver_info it accepts with "
            + where);
  }

  private static String refusal(HardwareType type, DriverNode node) {
    try {
      type.checkInput(node);
      type.power().validate(node);
      try {
        type.management().validate(node);
      } catch (UnsupportedDriverOperationException e) {
        // Without boot device management a node is verified on power alone.
      }
      return null;
    } catch (DriverException e) {
      return e.getMessage();
    } catch (RuntimeException e) {
      return "validation threw " + e;
    }
  }
}
