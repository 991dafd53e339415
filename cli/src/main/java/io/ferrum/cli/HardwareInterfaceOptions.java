package io.ferrum.cli;

import io.ferrum.driver.HardwareInterfaces;
import java.util.function.BiFunction;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The node commands' {@code --X-interface} options, one for every hardware interface X. */
final class HardwareInterfaceOptions {

  private HardwareInterfaceOptions() {}

  /** The option of the hardware interface {@code iface}: {@code --IFACE-interface}. */
  static String name(String iface) {
    return "--" + iface + "-interface";
  }

  /**
   * Adds to {@code command} one option for every hardware interface, in {@link
   * HardwareInterfaces#NAMES} order: a builder already named by {@link #name}, completed by {@code
   * option} (given the interface and that builder).
   */
  static CommandSpec addTo(
      CommandSpec command, BiFunction<String, OptionSpec.Builder, OptionSpec.Builder> option) {
    for (String iface : HardwareInterfaces.NAMES) {
      command.addOption(option.apply(iface, OptionSpec.builder(name(iface))).build());
    }
    return command;
  }
}
