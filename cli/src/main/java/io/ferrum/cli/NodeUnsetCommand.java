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
    modelTransformer = NodeUnsetCommand.InterfaceOptions.class,
    description = "Remove a node's fields, or entries of its JSON documents.",
    footer = {
      "",
      "As with 'baremetal node unset', --protected and --retired set the flag to false,"
          + " --X-interface resets that interface to the hardware type's default,"
          + " --target-raid-config sets the target RAID configuration to {}, and every"
          + " other field becomes null. The driver cannot be removed."
    })
final class NodeUnsetCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ClientOptions client;

  @Parameters(paramLabel = "NODE", description = "Name or UUID.")
  String node;

  @Option(names = "--name", description = "Remove the node's name.")
  boolean name;

  @Option(names = "--resource-class", description = "Remove the resource class.")
  boolean resourceClass;

  @Option(names = "--owner", description = "Remove the owner.")
  boolean owner;

  @Option(names = "--lessee", description = "Remove the lessee.")
  boolean lessee;

  @Option(names = "--description", description = "Remove the description.")
  boolean description;

  @Option(names = "--conductor-group", description = "Remove the conductor group.")
  boolean conductorGroup;

  @Option(names = "--protected", description = "Unprotect the node.")
  boolean protectedFlag;

  @Option(names = "--protected-reason", description = "Remove the reason for protection.")
  boolean protectedReason;

  @Option(names = "--retired", description = "Unretire the node.")
  boolean retired;

  @Option(names = "--retired-reason", description = "Remove the reason for retirement.")
  boolean retiredReason;

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
    field(paths, name, "name");
    field(paths, resourceClass, "resource_class");
    field(paths, owner, "owner");
    field(paths, lessee, "lessee");
    field(paths, description, "description");
    field(paths, conductorGroup, "conductor_group");
    field(paths, protectedReason, "protected_reason");
    field(paths, protectedFlag, "protected");
    field(paths, retiredReason, "retired_reason");
    field(paths, retired, "retired");
    for (String iface : HardwareInterfaces.NAMES) {
      Boolean chosen = spec.findOption(interfaceOption(iface)).getValue();
      field(paths, Boolean.TRUE.equals(chosen), iface + "_interface");
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

  /** {@code /field}, asked for by its option ({@code --resource-class} for resource_class). */
  private static void field(Map<String, String> paths, boolean asked, String field) {
    if (asked) {
      paths.put("/" + field, "--" + field.replace('_', '-'));
    }
  }

  private static String interfaceOption(String iface) {
    return "--" + iface + "-interface";
  }

  /** Adds {@code --X-interface} for every hardware interface X. */
  static final class InterfaceOptions implements CommandLine.IModelTransformer {
    @Override
    public CommandLine.Model.CommandSpec transform(CommandLine.Model.CommandSpec command) {
      for (String iface : HardwareInterfaces.NAMES) {
        command.addOption(
            CommandLine.Model.OptionSpec.builder(interfaceOption(iface))
                .type(boolean.class)
                .arity("0")
                .description("Reset the " + iface + " interface to its default.")
                .build());
      }
      return command;
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
