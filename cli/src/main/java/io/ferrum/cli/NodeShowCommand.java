package io.ferrum.cli;

import io.ferrum.cli.client.ApiClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ferrum node show}. */
@Command(name = "show", mixinStandardHelpOptions = true, description = "Show one node.")
final class NodeShowCommand implements Callable<Integer> {

  static final List<String> FIELDS =
      List.of(
          "uuid",
          "name",
          "driver",
          "provision_state",
          "target_provision_state",
          "power_state",
          "target_power_state",
          "maintenance",
          "maintenance_reason",
          "last_error",
          "reservation",
          "driver_info",
          "instance_info",
          "properties",
          "extra",
          "target_raid_config",
          "raid_config",
          "created_at",
          "updated_at",
          "provision_updated_at");

  /** Every field of a node at the API version the client speaks, for {@code --fields}. */
  static final List<String> KNOWN_FIELDS =
      List.of(
          "allocation_uuid",
          "automated_clean",
          "bios_interface",
          "boot_interface",
          "boot_mode",
          "chassis_uuid",
          "clean_step",
          "conductor",
          "conductor_group",
          "console_enabled",
          "console_interface",
          "created_at",
          "deploy_interface",
          "deploy_step",
          "description",
          "driver",
          "driver_info",
          "driver_internal_info",
          "extra",
          "fault",
          "inspect_interface",
          "inspection_finished_at",
          "inspection_started_at",
          "instance_info",
          "instance_uuid",
          "last_error",
          "lessee",
          "maintenance",
          "maintenance_reason",
          "management_interface",
          "name",
          "network_data",
          "network_interface",
          "owner",
          "power_interface",
          "power_state",
          "properties",
          "protected",
          "protected_reason",
          "provision_state",
          "provision_updated_at",
          "raid_config",
          "raid_interface",
          "rescue_interface",
          "reservation",
          "resource_class",
          "retired",
          "retired_reason",
          "secure_boot",
          "storage_interface",
          "target_power_state",
          "target_provision_state",
          "target_raid_config",
          "traits",
          "updated_at",
          "uuid",
          "vendor_interface");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin ClientOptions client;

  @Parameters(paramLabel = "NODE", description = "Name or UUID.")
  String node;

  @Option(
      names = "--fields",
      split = ",",
      paramLabel = "FIELD",
      description =
          "Only these fields, in this order (comma-separated or repeated), e.g. --fields"
              + " uuid,name,provision_state.")
  List<String> fields;

  @Override
  public Integer call() throws Exception {
    List<String> shown = fields == null ? FIELDS : checkFields(spec, fields);
    String path = "/v1/nodes/" + ApiClient.encode(node);
    if (fields != null) {
      path += "?fields=" + String.join(",", shown);
    }
    client.printObject(spec.commandLine().getOut(), client.client().get(path), shown);
    return 0;
  }

  /**
   * {@code --fields}, each name trimmed and checked.
   *
   * @throws CommandLine.ParameterException naming the first field that is not a node's
   */
  static List<String> checkFields(CommandLine.Model.CommandSpec spec, List<String> fields) {
    List<String> names = new ArrayList<>();
    for (String field : fields) {
      String name = field.trim();
      if (!KNOWN_FIELDS.contains(name)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "--fields: '"
                + name
                + "' is not a node field; the fields are "
                + String.join(", ", KNOWN_FIELDS));
      }
      names.add(name);
    }
    return names;
  }

  /** The column header for {@code field}: Ironic's client's label, e.g. "Provisioning State". */
  static String label(String field) {
    return switch (field) {
      case "uuid" -> "UUID";
      case "instance_uuid" -> "Instance UUID";
      case "chassis_uuid" -> "Chassis UUID";
      case "allocation_uuid" -> "Allocation UUID";
      case "provision_state" -> "Provisioning State";
      default ->
          Arrays.stream(field.split("_"))
              .map(w -> w.substring(0, 1).toUpperCase(Locale.ROOT) + w.substring(1))
              .collect(Collectors.joining(" "));
    };
  }
}
