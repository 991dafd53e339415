package io.ferrum.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrum.cli.client.ApiClient;
import io.ferrum.cli.client.ClientException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Polls a node until it reaches a state, fails, or time runs out, printing each state change with
 * the elapsed time. The failure rules are the {@code baremetal} client's: a state ending in {@code
 * failed} or {@code error} fails, and so does resting in another stable state with no target.
 *
 * <p>Also polls a bulk request until every node has its result (the server decides success or
 * error), printing a line as each node finishes.
 */
final class NodeWaiter {

  /** What stands for the state of a node that has none (it was not found). */
  static final String NO_STATE = "-";

  private NodeWaiter() {}

  /**
   * Waits for {@code expected}, or (when {@code null}) for the node to have no target.
   *
   * @throws ClientException when the node fails or time runs out; the message says why
   */
  static JsonNode await(
      ApiClient api, String node, String expected, Duration timeout, PrintWriter progress)
      throws InterruptedException {
    long start = System.nanoTime();
    String last = null;
    while (true) {
      JsonNode current = api.get("/v1/nodes/" + ApiClient.encode(node));
      String state = current.get("provision_state").asText();
      String target = ClientOptions.text(current.get("target_provision_state"));
      double elapsed = (System.nanoTime() - start) / 1e9;
      String shown = state + (target.equals("None") ? "" : " -> " + target);
      if (!shown.equals(last)) {
        progress.printf(Locale.ROOT, "%s: %s (%.1f s)%n", node, shown, elapsed);
        progress.flush();
        last = shown;
      }
      boolean noTarget = current.get("target_provision_state").isNull();
      if (expected != null ? state.equals(expected) : noTarget) {
        return current;
      }
      if (state.endsWith(" failed") || state.equals("error") || (noTarget && isStable(state))) {
        throw new ClientException(
            0,
            "node "
                + node
                + " ended in \""
                + state
                + "\""
                + (current.get("last_error").isNull()
                    ? ""
                    : ": " + current.get("last_error").asText()));
      }
      if (elapsed > timeout.toSeconds()) {
        throw new ClientException(
            0, "node " + node + " is still \"" + state + "\" after " + timeout.toSeconds() + " s");
      }
      Thread.sleep(500);
    }
  }

  /**
   * A bulk request as it was last seen, and which of its nodes failed or were still pending.
   *
   * @param request the last {@code GET /v1/ferrum/bulk/{id}} body
   * @param failed the nodes whose result is an error, as the request named them
   * @param pending the nodes still pending (time ran out first)
   */
  record BulkOutcome(JsonNode request, List<String> failed, List<String> pending) {}

  /**
   * Waits until bulk request {@code id} has finished or {@code timeout} passed, printing {@code
   * node: state (result[: error]) (elapsed)} as each node gets its result.
   */
  static BulkOutcome awaitBulk(ApiClient api, String id, Duration timeout, PrintWriter progress)
      throws InterruptedException {
    long start = System.nanoTime();
    java.util.Set<Integer> reported = new java.util.HashSet<>();
    while (true) {
      JsonNode request = api.get("/v1/ferrum/bulk/" + ApiClient.encode(id));
      JsonNode nodes = request.get("nodes");
      double elapsed = (System.nanoTime() - start) / 1e9;
      List<String> failed = new ArrayList<>();
      List<String> pending = new ArrayList<>();
      for (int i = 0; i < nodes.size(); i++) {
        JsonNode node = nodes.get(i);
        String result = node.get("result").asText();
        String name = node.get("node").asText();
        if (result.equals("pending")) {
          pending.add(name);
          continue;
        }
        if (result.equals("error")) {
          failed.add(name);
        }
        if (reported.add(i)) {
          progress.printf(
              Locale.ROOT,
              "%s: %s (%s%s) (%.1f s)%n",
              name,
              node.hasNonNull("state") ? node.get("state").asText() : NO_STATE,
              result,
              node.get("error").isNull() ? "" : ": " + node.get("error").asText(),
              elapsed);
          progress.flush();
        }
      }
      if (pending.isEmpty() || elapsed > timeout.toSeconds()) {
        return new BulkOutcome(request, failed, pending);
      }
      Thread.sleep(500);
    }
  }

  private static boolean isStable(String state) {
    return switch (state) {
      case "enroll", "manageable", "available", "active", "rescue" -> true;
      default -> false;
    };
  }
}
