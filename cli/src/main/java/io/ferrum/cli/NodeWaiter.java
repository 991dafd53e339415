package io.ferrum.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferrum.cli.client.ApiClient;
import io.ferrum.cli.client.ClientException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * Polls a node until it reaches a state, fails, or time runs out, printing each state change with
 * the elapsed time. The failure rules are the {@code baremetal} client's: a state ending in {@code
 * failed} or {@code error} fails, and so does resting in another stable state with no target.
 */
final class NodeWaiter {

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

  private static boolean isStable(String state) {
    return switch (state) {
      case "enroll", "manageable", "available", "active", "rescue" -> true;
      default -> false;
    };
  }
}
