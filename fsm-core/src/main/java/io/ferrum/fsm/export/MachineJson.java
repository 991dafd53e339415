package io.ferrum.fsm.export;

import io.ferrum.fsm.MachineDefinition;
import io.ferrum.fsm.MachineDefinitionException;
import io.ferrum.fsm.StateSpec;
import io.ferrum.fsm.Transition;
import io.ferrum.fsm.TransitionAction;
import io.ferrum.fsm.internal.MiniJson;
import java.util.List;
import java.util.Map;

/**
 * A machine definition as JSON, both ways. The document looks like this (one state or transition
 * per line, in declaration order, so that diffs stay readable):
 *
 * <pre>{@code
 * {
 *   "name": "provision",
 *   "initial_state": "enroll",
 *   "states": [
 *     {"name": "enroll", "stable": true, "target": null},
 *     {"name": "verifying", "stable": false, "target": "manageable"}
 *   ],
 *   "transitions": [
 *     {"from": "enroll", "event": "manage", "to": "verifying", "action": "verify"}
 *   ]
 * }
 * }</pre>
 *
 * <p>Actions are written as their ids and read back as {@link TransitionAction#named(String) named
 * actions}, so {@code read(write(d)).equals(d)} for every definition {@code d} without guards. A
 * guarded transition also has a {@code "guard"} field with the guard's name; a guard is code, which
 * JSON cannot carry, so {@link #read} refuses a document that has one.
 *
 * <p>Stateless and thread-safe.
 */
public final class MachineJson {

  private MachineJson() {}

  /** The definition as a JSON document, ending with a newline. Deterministic. */
  public static String write(MachineDefinition definition) {
    StringBuilder out = new StringBuilder();
    out.append("{\n");
    out.append("  \"name\": ").append(MiniJson.quote(definition.name())).append(",\n");
    out.append("  \"initial_state\": ")
        .append(MiniJson.quote(definition.initialState()))
        .append(",\n");
    out.append("  \"states\": [\n");
    List<StateSpec> states = definition.states();
    for (int i = 0; i < states.size(); i++) {
      StateSpec state = states.get(i);
      out.append("    {\"name\": ")
          .append(MiniJson.quote(state.name()))
          .append(", \"stable\": ")
          .append(state.stable())
          .append(", \"target\": ")
          .append(quoteOrNull(state.target()))
          .append(i + 1 < states.size() ? "},\n" : "}\n");
    }
    out.append("  ],\n");
    out.append("  \"transitions\": [\n");
    List<Transition> transitions = definition.transitions();
    for (int i = 0; i < transitions.size(); i++) {
      Transition t = transitions.get(i);
      out.append("    {\"from\": ")
          .append(MiniJson.quote(t.from()))
          .append(", \"event\": ")
          .append(MiniJson.quote(t.event()))
          .append(", \"to\": ")
          .append(MiniJson.quote(t.to()))
          .append(", \"action\": ")
          .append(quoteOrNull(t.actionId()));
      if (t.guard() != null) {
        out.append(", \"guard\": ").append(MiniJson.quote(t.guard()));
      }
      out.append(i + 1 < transitions.size() ? "},\n" : "}\n");
    }
    out.append("  ]\n");
    out.append("}\n");
    return out.toString();
  }

  /**
   * Reads a definition written by {@link #write}, or by hand in the same shape, and validates it as
   * {@link MachineDefinition.Builder#build()} does.
   *
   * @throws MachineDefinitionException if the text is not JSON, lacks a field, has a field of the
   *     wrong type, has a guard, or describes an invalid machine
   */
  public static MachineDefinition read(String json) {
    Object root;
    try {
      root = MiniJson.parse(json);
    } catch (IllegalArgumentException e) {
      throw new MachineDefinitionException("Machine JSON: " + e.getMessage(), e);
    }
    Map<?, ?> doc = asObject(root, "the document");
    MachineDefinition.Builder<Object> builder =
        MachineDefinition.builder(string(doc, "name", "the document"));
    builder.initialState(string(doc, "initial_state", "the document"));
    List<?> states = array(doc, "states");
    for (int i = 0; i < states.size(); i++) {
      String where = "states[" + i + "]";
      Map<?, ?> state = asObject(states.get(i), where);
      Object stable = state.get("stable");
      if (!(stable instanceof Boolean)) {
        throw malformed(where + ".stable must be true or false");
      }
      String target = optionalString(state, "target", where);
      String name = string(state, "name", where);
      if ((Boolean) stable) {
        if (target != null) {
          throw malformed(where + ": stable state \"" + name + "\" cannot have a target");
        }
        builder.stableState(name);
      } else {
        builder.transientState(name, target);
      }
    }
    List<?> transitions = array(doc, "transitions");
    for (int i = 0; i < transitions.size(); i++) {
      String where = "transitions[" + i + "]";
      Map<?, ?> t = asObject(transitions.get(i), where);
      String action = optionalString(t, "action", where);
      String guard = optionalString(t, "guard", where);
      if (guard != null) {
        throw malformed(
            where
                + " has guard \""
                + guard
                + "\": guards are code and cannot be read from JSON;"
                + " build this machine with MachineDefinition.builder");
      }
      builder.transition(
          string(t, "from", where),
          string(t, "event", where),
          string(t, "to", where),
          action == null ? null : TransitionAction.named(action));
    }
    return builder.build();
  }

  private static String quoteOrNull(String value) {
    return value == null ? "null" : MiniJson.quote(value);
  }

  private static Map<?, ?> asObject(Object value, String where) {
    if (!(value instanceof Map<?, ?> map)) {
      throw malformed(where + " must be a JSON object");
    }
    return map;
  }

  private static List<?> array(Map<?, ?> doc, String key) {
    if (!(doc.get(key) instanceof List<?> list)) {
      throw malformed("\"" + key + "\" must be a JSON array");
    }
    return list;
  }

  private static String string(Map<?, ?> object, String key, String where) {
    if (!(object.get(key) instanceof String value)) {
      throw malformed(where + "." + key + " must be a string");
    }
    return value;
  }

  private static String optionalString(Map<?, ?> object, String key, String where) {
    Object value = object.get(key);
    if (value != null && !(value instanceof String)) {
      throw malformed(where + "." + key + " must be a string or null");
    }
    return (String) value;
  }

  private static MachineDefinitionException malformed(String problem) {
    return new MachineDefinitionException("Machine JSON: " + problem);
  }
}
