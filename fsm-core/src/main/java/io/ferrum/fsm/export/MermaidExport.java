package io.ferrum.fsm.export;

import io.ferrum.fsm.MachineDefinition;
import io.ferrum.fsm.StateSpec;
import io.ferrum.fsm.Transition;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A machine definition as a Mermaid {@code stateDiagram-v2}. State names with spaces or punctuation
 * get a generated identifier and keep their name as the label; transient states are drawn dashed.
 * Deterministic.
 *
 * <p>Stateless and thread-safe.
 */
public final class MermaidExport {

  private MermaidExport() {}

  /** The definition as Mermaid text, ending with a newline. */
  public static String write(MachineDefinition definition) {
    Map<String, String> ids = identifiers(definition);
    StringBuilder out = new StringBuilder();
    out.append("stateDiagram-v2\n");
    out.append("  classDef transient stroke-dasharray: 5 5\n");
    for (StateSpec state : definition.states()) {
      out.append("  state \"")
          .append(label(state.name()))
          .append("\" as ")
          .append(ids.get(state.name()))
          .append('\n');
    }
    out.append("  [*] --> ").append(ids.get(definition.initialState())).append('\n');
    for (Transition t : definition.transitions()) {
      out.append("  ")
          .append(ids.get(t.from()))
          .append(" --> ")
          .append(ids.get(t.to()))
          .append(" : ")
          .append(label(t.guard() == null ? t.event() : t.event() + " [" + t.guard() + "]"))
          .append('\n');
    }
    String transients =
        definition.states().stream()
            .filter(s -> !s.stable())
            .map(s -> ids.get(s.name()))
            .collect(Collectors.joining(","));
    if (!transients.isEmpty()) {
      out.append("  class ").append(transients).append(" transient\n");
    }
    return out.toString();
  }

  /** A unique Mermaid identifier per state: letters, digits and underscores only. */
  private static Map<String, String> identifiers(MachineDefinition definition) {
    Map<String, String> ids = new LinkedHashMap<>();
    Set<String> taken = new HashSet<>();
    for (StateSpec state : definition.states()) {
      String base = "s_" + state.name().replaceAll("[^A-Za-z0-9]", "_");
      String id = base;
      for (int n = 2; !taken.add(id); n++) {
        id = base + "_" + n;
      }
      ids.put(state.name(), id);
    }
    return ids;
  }

  /** Text safe inside a Mermaid label: quotes, colons and semicolons as entity codes. */
  private static String label(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("#quot;");
        case ':' -> out.append("#58;");
        case ';' -> out.append("#59;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
