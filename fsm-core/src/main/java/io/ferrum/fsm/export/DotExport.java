package io.ferrum.fsm.export;

import io.ferrum.fsm.MachineDefinition;
import io.ferrum.fsm.StateSpec;
import io.ferrum.fsm.Transition;

/**
 * A machine definition as a Graphviz DOT digraph: stable states drawn bold, transient states dashed
 * with their target in the label, the initial state marked by an arrow from a point, one edge per
 * transition labelled with its event (and guard and action, if any). Deterministic.
 *
 * <p>Stateless and thread-safe.
 */
public final class DotExport {

  private DotExport() {}

  /** The definition as DOT text, ending with a newline. */
  public static String write(MachineDefinition definition) {
    StringBuilder out = new StringBuilder();
    out.append("digraph ").append(quote(definition.name())).append(" {\n");
    out.append("  rankdir=LR;\n");
    out.append("  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n");
    out.append("  edge [fontname=\"Helvetica\", fontsize=10];\n");
    out.append("  \"__initial__\" [shape=point, label=\"\"];\n");
    for (StateSpec state : definition.states()) {
      out.append("  ").append(quote(state.name()));
      if (state.stable()) {
        out.append(" [style=\"rounded,bold\"];\n");
      } else {
        out.append(" [style=\"rounded,dashed\", label=")
            .append(quote(state.name() + "\\n(target: " + state.target() + ")"))
            .append("];\n");
      }
    }
    out.append("  \"__initial__\" -> ").append(quote(definition.initialState())).append(";\n");
    for (Transition t : definition.transitions()) {
      String label =
          t.event()
              + (t.guard() == null ? "" : " [" + t.guard() + "]")
              + (t.action() == null ? "" : " / " + t.actionId());
      out.append("  ")
          .append(quote(t.from()))
          .append(" -> ")
          .append(quote(t.to()))
          .append(" [label=")
          .append(quote(label))
          .append("];\n");
    }
    out.append("}\n");
    return out.toString();
  }

  /** A DOT quoted ID. Backslashes are kept, so {@code \n} in a label is DOT's line break. */
  private static String quote(String id) {
    return "\"" + id.replace("\"", "\\\"") + "\"";
  }
}
