package io.ferrum.fsm.export;

import io.ferrum.fsm.MachineDefinition;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/** The formats a {@link MachineDefinition} can be exported to. */
public enum ExportFormat {
  /** Graphviz DOT ({@link DotExport}). */
  DOT(DotExport::write),
  /** Mermaid {@code stateDiagram-v2} ({@link MermaidExport}). */
  MERMAID(MermaidExport::write),
  /** JSON that {@link MachineJson#read} reads back ({@link MachineJson}). */
  JSON(MachineJson::write);

  private final Function<MachineDefinition, String> writer;

  ExportFormat(Function<MachineDefinition, String> writer) {
    this.writer = writer;
  }

  /** The definition in this format, ending with a newline. */
  public String write(MachineDefinition definition) {
    return writer.apply(definition);
  }

  /** The format called {@code name} (any case), if any. */
  public static Optional<ExportFormat> fromName(String name) {
    for (ExportFormat format : values()) {
      if (format.name().equalsIgnoreCase(name)) {
        return Optional.of(format);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
