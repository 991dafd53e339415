package io.ferrum.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The KEY=VALUE options for a node's JSON documents, shared by create and set. A key may not be
 * empty: {@code --property =v} is a usage error naming the option, never a request.
 */
final class NodeDocumentOptions {

  /** The command this mixin is part of, for usage errors. */
  @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
  CommandLine.Model.CommandSpec mixee;

  @Option(
      names = "--driver-info",
      paramLabel = "KEY=VALUE",
      description = "A driver_info entry; repeatable.")
  Map<String, String> driverInfo = new LinkedHashMap<>();

  @Option(
      names = "--instance-info",
      paramLabel = "KEY=VALUE",
      description = "An instance_info entry; repeatable.")
  Map<String, String> instanceInfo = new LinkedHashMap<>();

  @Option(
      names = "--property",
      paramLabel = "KEY=VALUE",
      description = "A properties entry; repeatable.")
  Map<String, String> properties = new LinkedHashMap<>();

  @Option(names = "--extra", paramLabel = "KEY=VALUE", description = "An extra entry; repeatable.")
  Map<String, String> extra = new LinkedHashMap<>();

  /**
   * Each document by its API field name.
   *
   * @throws CommandLine.ParameterException naming the option when an entry has an empty key
   */
  Map<String, Map<String, String>> byField() {
    Map<String, Map<String, String>> documents = new LinkedHashMap<>();
    documents.put("driver_info", checked("--driver-info", driverInfo));
    documents.put("instance_info", checked("--instance-info", instanceInfo));
    documents.put("properties", checked("--property", properties));
    documents.put("extra", checked("--extra", extra));
    return documents;
  }

  private Map<String, String> checked(String option, Map<String, String> entries) {
    for (Map.Entry<String, String> entry : entries.entrySet()) {
      if (entry.getKey().isBlank()) {
        throw new CommandLine.ParameterException(
            mixee.commandLine(),
            option
                + " needs KEY=VALUE with a non-empty KEY, not '"
                + entry.getKey()
                + "="
                + entry.getValue()
                + "'");
      }
    }
    return entries;
  }
}
