package io.ferrum.cli;

import io.ferrum.cli.client.ApiClient;
import io.ferrum.cli.client.ClientException;
import io.ferrum.driver.HardwareInterfaces;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ferrum node unset}: JSON Patch {@code remove} operations, with {@code node set}'s option
 * names taking a KEY each, and {@code baremetal node unset}'s options for the node's other fields
 * (the server sets a removed field to null, {@code protected} and {@code retired} to false, and an
 * interface to its hardware type's default). {@code --target-raid-config} sets the target RAID
 * configuration to {@code {}} ({@code PUT /v1/nodes/{node}/states/raid}), first.
 */
@Command(
    name = "unset",
    mixinStandardHelpOptions = true,
    modelTransformer = NodeUnsetCommand.FlagOptions.class,
    description = "Remove a node's fields, or entries of its JSON documents.",
    footer = {
      "",
      "As with 'baremetal node unset', --protected and --retired set the flag to false,"
          + " --X-interface resets that interface to the hardware type's default,"
          + " --target-raid-config sets the target RAID configuration to {}, and every"
          + " other field becomes null. The driver cannot be removed."
    })
final class NodeUnsetCommand implements Callable<Integer> {

  /**
   * The fields a flag of their own removes, each with that flag's description, in the order the
   * patch removes them; a field's flag is {@code --FIELD}, with {@code -} for {@code _}.
   */
  private static final List<Map.Entry<String, String>> FIELDS =
      List.of(
          Map.entry("name", "Remove the node's name."),
          Map.entry("resource_class", "Remove the resource class."),
          Map.entry("owner", "Remove the owner."),
          Map.entry("lessee", "Remove the lessee."),
          Map.entry("description", "Remove the description."),
          Map.entry("conductor_group", "Remove the conductor group."),
          Map.entry("protected_reason", "Remove the reason for protection."),
          Map.entry("protected", "Unprotect the node."),
          Map.entry("retired_reason", "Remove the reason for retirement."),
          Map.entry("retired", "Unretire the node."));

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ClientOptions client;

  @Parameters(paramLabel = "NODE", description = "Name or UUID.")
  String node;

  @Option(
      names = "--target-raid-config",
      description = "Clear the target RAID configuration (sets it to {}).")
  boolean targetRaidConfig;

  @Option(
      names = "--driver-info",
      paramLabel = "KEY",
      description = "A driver_info key to remove; repeatable.")
  List<String> driverInfo = new ArrayList<>();

  @Option(
      names = "--instance-info",
      paramLabel = "KEY",
      description = "An instance_info key to remove; repeatable.")
  List<String> instanceInfo = new ArrayList<>();

  @Option(
      names = "--property",
      paramLabel = "KEY",
      description = "A properties key to remove; repeatable.")
  List<String> properties = new ArrayList<>();

  @Option(
      names = "--extra",
      paramLabel = "KEY",
      description = "An extra key to remove; repeatable.")
  List<String> extra = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    // Each path sent, with the option and key that asked for it, to name them in an error.
    Map<String, String> paths = new LinkedHashMap<>();
    for (Map.Entry<String, String> field : FIELDS) {
      field(paths, field.getKey());
    }
    for (String iface : HardwareInterfaces.NAMES) {
      field(paths, iface + "_interface");
    }
    add(paths, "--driver-info", "driver_info", driverInfo);
    add(paths, "--instance-info", "instance_info", instanceInfo);
    add(paths, "--property", "properties", properties);
    add(paths, "--extra", "extra", extra);
    if (paths.isEmpty() && !targetRaidConfig) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "nothing to unset; give a field's option (see 'ferrum node unset --help'),"
              + " or --driver-info, --instance-info, --property or --extra with a KEY");
    }
    String nodePath = "/v1/nodes/" + ApiClient.encode(node);
    if (targetRaidConfig) {
      client.client().put(nodePath + "/states/raid", Map.of());
    }
    if (paths.isEmpty()) {
      client.printObject(
          spec.commandLine().getOut(), client.client().get(nodePath), NodeShowCommand.FIELDS);
      return 0;
    }
    List<Map<String, Object>> patch = new ArrayList<>();
    for (String path : paths.keySet()) {
      patch.add(Map.of("op", "remove", "path", path));
    }
    try {
      client.printObject(
          spec.commandLine().getOut(),
          client.client().patch(nodePath, patch),
          NodeShowCommand.FIELDS);
    } catch (ClientException e) {
      throw named(e, paths);
    }
    return 0;
  }

  /** {@code /field}, if its option was given ({@code --resource-class} for resource_class). */
  private void field(Map<String, String> paths, String field) {
    String option = option(field);
    Boolean asked = spec.findOption(option).getValue();
    if (Boolean.TRUE.equals(asked)) {
      paths.put("/" + field, option);
    }
  }

  /** The flag that removes {@code field}: {@code --resource-class} for resource_class. */
  private static String option(String field) {
    return "--" + field.replace('_', '-');
  }

  private static CommandLine.Model.OptionSpec.Builder flag(
      CommandLine.Model.OptionSpec.Builder option, String description) {
    return option.type(boolean.class).arity("0").description(description);
  }

  /** Adds the flag of every field in {@link #FIELDS}, then {@code --X-interface} for every X. */
  static final class FlagOptions implements CommandLine.IModelTransformer {
    @Override
    public CommandLine.Model.CommandSpec transform(CommandLine.Model.CommandSpec command) {
      for (Map.Entry<String, String> field : FIELDS) {
        command.addOption(
            flag(CommandLine.Model.OptionSpec.builder(option(field.getKey())), field.getValue())
                .build());
      }
      return HardwareInterfaceOptions.addTo(
          command,
          (iface, option) -> flag(option, "Reset the " + iface + " interface to its default."));
    }
  }

  private void add(Map<String, String> paths, String option, String field, List<String> keys) {
    for (String key : keys) {
      if (key.isBlank()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), option + " needs a non-empty KEY, not '" + key + "'");
      }
      paths.put("/" + field + "/" + NodeSetCommand.pointer(key), option + " " + key);
    }
  }

  /** {@code e} with the option and key of the path the server's message quotes, if any. */
  private static ClientException named(ClientException e, Map<String, String> paths) {
    for (Map.Entry<String, String> path : paths.entrySet()) {
      if (e.getMessage() != null && e.getMessage().contains("\"" + path.getKey() + "\"")) {
        return new ClientException(e.status(), path.getValue() + ": " + e.getMessage());
      }
    }
    return e;
  }
}
