package io.ferrum.examples.labcontroller;

import io.ferrum.driver.BootInterface;
import io.ferrum.driver.CleanInterface;
import io.ferrum.driver.DeployInterface;
import io.ferrum.driver.DriverException;
import io.ferrum.driver.DriverNode;
import io.ferrum.driver.DriverPowerState;
import io.ferrum.driver.DriverSettings;
import io.ferrum.driver.HardwareType;
import io.ferrum.driver.InvalidDriverInfoException;
import io.ferrum.driver.PowerInterface;
import io.ferrum.driver.Step;
import io.ferrum.driver.StepOutcome;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A hardware type of the lab's own: machines whose power comes from an outlet of the lab's power
 * distribution unit, and whose "deploy" writes the requested image onto an in-memory disk.
 *
 * <p>{@code driver_info.pdu_outlet} names the outlet (1 to {@code lab-pdu-outlets}, an operator
 * setting: a request can only reach outlets the operator wired). {@code instance_info.image_source}
 * names the image. Outlets listed in {@code broken} never switch on, so the controller can show
 * what a failed deploy looks like.
 *
 * <p>Only {@link #name()} and {@link #power()} are required of a hardware type; this one also
 * deploys, boots and cleans, and leaves the rest (management, inspection, rescue) to the defaults,
 * which report the operation as unsupported.
 */
public final class PduHardware implements HardwareType {

  /** The operator setting: how many outlets the lab's PDU has. */
  public static final String OUTLETS_SETTING = "lab-pdu-outlets";

  private final Set<Integer> broken;
  private final Map<Integer, Boolean> outlets = new ConcurrentHashMap<>();
  private final Map<Integer, String> disks = new ConcurrentHashMap<>();
  private volatile int outletCount = 8;

  /** A PDU whose {@code broken} outlets never switch on. */
  public PduHardware(Set<Integer> broken) {
    this.broken = Set.copyOf(broken);
  }

  @Override
  public String name() {
    return "lab-pdu";
  }

  @Override
  public void configure(DriverSettings settings) {
    String value = settings.get(OUTLETS_SETTING, "8");
    try {
      outletCount = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      outletCount = 0;
    }
    if (outletCount < 1) {
      throw new IllegalArgumentException(
          OUTLETS_SETTING + " must be a positive number of outlets, not \"" + value + "\"");
    }
  }

  @Override
  public void checkInput(DriverNode node) {
    if (node.info("pdu_outlet") != null) {
      outlet(node);
    }
  }

  /** The image on the disk of the machine on {@code outlet}, or {@code null} when it is blank. */
  public String disk(int outlet) {
    return disks.get(outlet);
  }

  private int outlet(DriverNode node) {
    String value = node.requireInfo("pdu_outlet");
    int outlet;
    try {
      outlet = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      outlet = 0;
    }
    if (outlet < 1 || outlet > outletCount) {
      throw new InvalidDriverInfoException(
          "driver_info.pdu_outlet must be an outlet from 1 to "
              + outletCount
              + " (the "
              + OUTLETS_SETTING
              + " setting), not \""
              + value
              + "\"");
    }
    return outlet;
  }

  private void switchOutlet(DriverNode node, boolean on) {
    int outlet = outlet(node);
    if (on && broken.contains(outlet)) {
      throw new DriverException(
          "PDU outlet " + outlet + " did not switch on; check its fuse, then retry");
    }
    outlets.put(outlet, on);
  }

  @Override
  public PowerInterface power() {
    return new PowerInterface() {
      @Override
      public void validate(DriverNode node) {
        outlet(node);
      }

      @Override
      public DriverPowerState getPowerState(DriverNode node) {
        return outlets.getOrDefault(outlet(node), false)
            ? DriverPowerState.POWER_ON
            : DriverPowerState.POWER_OFF;
      }

      @Override
      public void setPowerState(
          DriverNode node, DriverPowerState target, boolean soft, Duration timeout) {
        switchOutlet(node, target == DriverPowerState.POWER_ON);
      }

      @Override
      public void reboot(DriverNode node, boolean soft, Duration timeout) {
        switchOutlet(node, false);
        switchOutlet(node, true);
      }
    };
  }

  @Override
  public BootInterface boot() {
    return new BootInterface() {
      @Override
      public void prepareInstance(DriverNode node) {}

      @Override
      public void cleanUpInstance(DriverNode node) {}
    };
  }

  @Override
  public DeployInterface deploy() {
    return new DeployInterface() {
      @Override
      public void validate(DriverNode node) {
        Object image = node.instanceInfo().get("image_source");
        if (image == null || image.toString().isBlank()) {
          throw new InvalidDriverInfoException(
              "instance_info is missing \"image_source\", the image to deploy");
        }
      }

      @Override
      public StepOutcome deploy(DriverNode node) {
        disks.put(outlet(node), node.instanceInfo().get("image_source").toString());
        switchOutlet(node, true);
        return StepOutcome.DONE;
      }

      @Override
      public void tearDown(DriverNode node) {
        switchOutlet(node, false);
      }
    };
  }

  @Override
  public CleanInterface clean() {
    return new CleanInterface() {
      @Override
      public StepOutcome clean(DriverNode node, List<Step> steps, boolean automated) {
        disks.remove(outlet(node));
        return StepOutcome.DONE;
      }
    };
  }
}
