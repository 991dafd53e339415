package io.ferrum.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The KEY=VALUE options for a node's JSON documents, shared by create and set. */
final class NodeDocumentOptions {

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

  /** Each document by its API field name. */
  Map<String, Map<String, String>> byField() {
    Map<String, Map<String, String>> documents = new LinkedHashMap<>();
    documents.put("driver_info", driverInfo);
    documents.put("instance_info", instanceInfo);
    documents.put("properties", properties);
    documents.put("extra", extra);
    return documents;
  }
}
