package io.ferrum.conductor;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What Ironic writes along with certain provision state changes: inspection's start and finish
 * times, and the {@code last_error} an abort leaves. Stateless and thread-safe.
 */
final class TransitionFields {

  private static final Set<String> INSPECTING = Set.of("inspecting", "inspect wait");

  private TransitionFields() {}

  /** The columns to write with the change {@code from} → {@code to} by {@code event}. */
  static Map<String, Object> of(String event, String from, String to, Instant now) {
    Map<String, Object> columns = new HashMap<>();
    if (to.equals("inspecting") && !from.equals("inspect wait")) {
      columns.put("inspection_started_at", now);
      columns.put("inspection_finished_at", null);
    } else if (INSPECTING.contains(from) && to.equals("manageable") && !event.equals("abort")) {
      columns.put("inspection_started_at", null);
      columns.put("inspection_finished_at", now);
    }
    if (event.equals("abort")) {
      columns.put("last_error", "By request, the " + operation(from) + " operation was aborted");
    }
    return columns;
  }

  /** The operation a state that can be aborted belongs to. */
  private static String operation(String state) {
    if (state.startsWith("clean")) {
      return "clean";
    }
    if (state.startsWith("inspect")) {
      return "inspection";
    }
    if (state.startsWith("rescue")) {
      return "rescue";
    }
    if (state.startsWith("service")) {
      return "service";
    }
    return "deploy";
  }
}
